chown root:root /etc/passwd && chmod 644 /etc/passwd
