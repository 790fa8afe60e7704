# include = debian_logrotate
sed -i 's/^\trotate 4/\trotate 52\n\tmaxage 90/' /etc/logrotate.d/rsyslog
