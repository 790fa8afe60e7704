# include = debian_auditd_conf
mkdir -p /var/log/audit && chmod 0755 /var/log/audit
