rm -f /etc/crontab
