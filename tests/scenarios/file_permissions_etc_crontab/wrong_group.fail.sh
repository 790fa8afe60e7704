touch /etc/crontab && chown root:users /etc/crontab && chmod 0600 /etc/crontab
