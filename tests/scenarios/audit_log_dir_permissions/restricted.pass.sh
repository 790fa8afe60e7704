# include = debian_auditd_conf
mkdir -p /var/log/audit && chown root:adm /var/log/audit && chmod 0750 /var/log/audit
