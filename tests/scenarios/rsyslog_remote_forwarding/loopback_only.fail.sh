# include = debian_rsyslog_conf
printf '*.* @127.0.0.1:514\n' > /etc/rsyslog.d/90-local.conf
