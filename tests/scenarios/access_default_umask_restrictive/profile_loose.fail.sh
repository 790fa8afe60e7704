sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs
printf 'umask 022 # legacy\n' >> /etc/profile
