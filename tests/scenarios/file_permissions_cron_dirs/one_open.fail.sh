mkdir -p /etc/cron.d /etc/cron.daily /etc/cron.hourly /etc/cron.weekly /etc/cron.monthly
chmod 0700 /etc/cron.d /etc/cron.daily /etc/cron.hourly /etc/cron.weekly
chmod 0777 /etc/cron.monthly
