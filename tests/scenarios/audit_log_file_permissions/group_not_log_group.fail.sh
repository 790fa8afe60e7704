# include = debian_auditd_conf
sed -i 's/^log_group = adm/log_group = root/' /etc/audit/auditd.conf
mkdir -p -m 0750 /var/log/audit
touch /var/log/audit/audit.log && chown root:users /var/log/audit/audit.log && chmod 0640 /var/log/audit/audit.log
