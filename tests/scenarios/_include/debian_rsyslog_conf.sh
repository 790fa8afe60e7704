# Debian 12's default /etc/rsyslog.conf, local files only (shared starting state)
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
