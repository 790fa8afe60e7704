mkdir -p /etc/rsyslog.d
cat > /etc/rsyslog.conf <<'C'
# /etc/rsyslog.conf configuration file for rsyslog
module(load="imuxsock")
module(load="imklog")
$FileOwner root
$FileGroup adm
$FileCreateMode 0640
$IncludeConfig /etc/rsyslog.d/*.conf
auth,authpriv.*                 /var/log/auth.log
*.*;auth,authpriv.none          -/var/log/syslog
*.emerg                         :omusrmsg:*
C
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
