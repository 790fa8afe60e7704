chown root:shadow /etc/gshadow && chmod 640 /etc/gshadow
