sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs
printf 'umask 027\n' > /etc/profile.d/zz-mlps-umask.sh
