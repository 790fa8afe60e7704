# include = debian_auditd_conf
sed -i 's/^num_logs = 5/num_logs = 10/' /etc/audit/auditd.conf
