mkdir -p /etc/cron.d /etc/cron.daily /etc/cron.weekly
chmod 0755 /etc/cron.d /etc/cron.daily /etc/cron.weekly
