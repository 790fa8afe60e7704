# include = debian_rsyslog_conf
# the drop-in folder is never included, so rsyslog does not read the forwarding rule
sed -i '/IncludeConfig/d' /etc/rsyslog.conf
printf '*.* @@10.20.30.40:514\n' > /etc/rsyslog.d/90-remote.conf
