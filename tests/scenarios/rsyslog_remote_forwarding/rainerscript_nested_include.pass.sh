# include = debian_rsyslog_conf
sed -i 's|^$IncludeConfig.*|include(file="/etc/rsyslog.d/*.conf" mode="optional")|' /etc/rsyslog.conf
printf 'include(file="/etc/rsyslog.remote/" mode="optional")\n' > /etc/rsyslog.d/10-more.conf
mkdir -p /etc/rsyslog.remote
cat > /etc/rsyslog.remote/forward <<'F'
/* forward to the central server
   action(type="omfwd" target="commented.example") */
action(type="omfwd"
       target="loghost.example.cn" port="6514"
       protocol="tcp")
F
