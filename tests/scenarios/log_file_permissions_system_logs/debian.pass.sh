touch /var/log/syslog /var/log/auth.log
chown root:adm /var/log/syslog /var/log/auth.log && chmod 0640 /var/log/syslog /var/log/auth.log
