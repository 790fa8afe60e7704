chown root:root /etc/shadow && chmod 000 /etc/shadow
