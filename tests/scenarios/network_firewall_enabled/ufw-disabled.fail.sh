mkdir -p /etc/ufw
printf 'ENABLED=no\n' > /etc/ufw/ufw.conf
