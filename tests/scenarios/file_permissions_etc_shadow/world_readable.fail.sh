chmod 644 /etc/shadow
