# SELinux enforcing now and after reboot (a tmpfs stands in for selinuxfs: /sys is read-only here)
mount -t tmpfs -o size=1m tmpfs /sys/fs
mkdir -p /sys/fs/selinux /etc/selinux
echo 1 > /sys/fs/selinux/enforce
printf '# This file controls the state of SELinux\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' > /etc/selinux/config
