touch /var/log/messages /var/log/secure
chown root:root /var/log/messages /var/log/secure && chmod 0600 /var/log/messages && chmod 0644 /var/log/secure
