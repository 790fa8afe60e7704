# include = debian_logrotate
sed -i 's/^\trotate 4/\trotate 26/' /etc/logrotate.d/rsyslog
