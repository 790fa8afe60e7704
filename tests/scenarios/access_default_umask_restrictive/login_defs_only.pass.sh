# no umask in the shell files: sessions get login.defs UMASK through pam_umask
# (Debian 13's login.defs has no UMASK line: it is added)
grep -q '^UMASK' /etc/login.defs && sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs || printf 'UMASK\t\t027\n' >> /etc/login.defs
