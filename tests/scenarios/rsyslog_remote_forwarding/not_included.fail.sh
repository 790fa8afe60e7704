# the drop-in folder is never included, so rsyslog does not read the forwarding rule
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
sed -i '/IncludeConfig/d' /etc/rsyslog.conf
printf '*.* @@10.20.30.40:514\n' > /etc/rsyslog.d/90-remote.conf
