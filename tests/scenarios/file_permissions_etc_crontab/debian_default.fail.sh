touch /etc/crontab && chown root:root /etc/crontab && chmod 0644 /etc/crontab
