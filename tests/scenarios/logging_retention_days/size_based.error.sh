# include = debian_logrotate
sed -i 's/^\tweekly/\tsize 100M/' /etc/logrotate.d/rsyslog
