# RHEL style: the block has no period or count, the global monthly + rotate 6 apply
cat > /etc/logrotate.conf <<'C'
monthly
rotate 6
include /etc/logrotate.d
C
mkdir -p /etc/logrotate.d
printf '/var/log/cron\n/var/log/messages\n/var/log/secure\n{\n    missingok\n    sharedscripts\n    postrotate\n        /usr/bin/systemctl kill -s HUP rsyslog.service >/dev/null 2>&1 || true\n    endscript\n}\n' > /etc/logrotate.d/syslog
touch /var/log/messages /var/log/secure
