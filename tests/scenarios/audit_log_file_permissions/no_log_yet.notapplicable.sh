# include = debian_auditd_conf
rm -rf /var/log/audit
