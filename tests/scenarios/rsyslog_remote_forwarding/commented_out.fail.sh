# include = debian_rsyslog_conf
printf '#*.* @@10.20.30.40:514\n# action(type="omfwd" target="10.1.1.1")\n' > /etc/rsyslog.d/90-remote.conf
