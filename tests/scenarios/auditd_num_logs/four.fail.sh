# include = debian_auditd_conf
sed -i 's/^num_logs = 5/num_logs = 4/' /etc/audit/auditd.conf
