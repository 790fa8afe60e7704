chmod 644 /etc/gshadow
