# RHEL's /etc/bashrc style: one branch leaves group write open
sed -i 's/^UMASK.*/UMASK\t\t027/' /etc/login.defs
printf 'if [ $UID -gt 199 ] && [ "$(id -gn)" = "$(id -un)" ]; then\n    umask 002\nelse\n    umask 027\nfi\n' > /etc/profile.d/umask.sh
