rm -f /var/log/messages /var/log/secure /var/log/syslog /var/log/auth.log /etc/logrotate.d/rsyslog /etc/logrotate.d/syslog
