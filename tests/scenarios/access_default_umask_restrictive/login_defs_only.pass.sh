# no umask in the shell files: sessions get login.defs UMASK through pam_umask
sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs
