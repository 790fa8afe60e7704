rm -f /var/log/messages /var/log/secure /var/log/syslog /var/log/auth.log
