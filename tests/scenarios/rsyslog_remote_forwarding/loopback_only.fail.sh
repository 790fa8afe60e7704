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
printf '*.* @127.0.0.1:514\n' > /etc/rsyslog.d/90-local.conf
