# include = debian_auditd_conf
sed -i 's/^log_group = adm/log_group = root/' /etc/audit/auditd.conf
mkdir -p -m 0700 /var/log/audit
touch /var/log/audit/audit.log && chown root:root /var/log/audit/audit.log && chmod 0600 /var/log/audit/audit.log
