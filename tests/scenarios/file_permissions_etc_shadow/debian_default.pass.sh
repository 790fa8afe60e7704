chown root:shadow /etc/shadow && chmod 640 /etc/shadow
