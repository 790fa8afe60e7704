rm -f /etc/cron.d/backup /var/spool/cron/crontabs/root
