# Debian 12 default logrotate configuration for the system logs (shared starting state)
cat > /etc/logrotate.conf <<'C'
# see "man logrotate" for details
weekly
rotate 4
create
#dateext
include /etc/logrotate.d
C
mkdir -p /etc/logrotate.d
cat > /etc/logrotate.d/rsyslog <<'C'
/var/log/syslog
/var/log/mail.log
/var/log/auth.log
{
	rotate 4
	weekly
	missingok
	notifempty
	compress
	delaycompress
	sharedscripts
	postrotate
		/usr/lib/rsyslog/rsyslog-rotate
	endscript
}
C
touch /var/log/syslog /var/log/auth.log
