# include = debian_rsyslog_conf
printf '# ship everything to the log audit system\n*.* @@10.20.30.40:514\n' > /etc/rsyslog.d/90-remote.conf
