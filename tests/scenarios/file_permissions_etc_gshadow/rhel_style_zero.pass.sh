chown root:root /etc/gshadow && chmod 000 /etc/gshadow
