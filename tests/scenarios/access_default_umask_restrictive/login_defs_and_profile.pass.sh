grep -q '^UMASK' /etc/login.defs && sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs || printf 'UMASK\t\t027\n' >> /etc/login.defs
printf 'umask 027\n' > /etc/profile.d/zz-mlps-umask.sh
