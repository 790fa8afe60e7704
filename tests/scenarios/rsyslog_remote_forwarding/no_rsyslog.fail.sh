rm -rf /etc/rsyslog.conf /etc/rsyslog.d
