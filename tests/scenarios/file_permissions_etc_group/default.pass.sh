chown root:root /etc/group && chmod 644 /etc/group
