# include = debian_auditd_conf
sed -i 's/^max_log_file_action = ROTATE/max_log_file_action = KEEP_LOGS/; s/^num_logs = 5/num_logs = 1/' /etc/audit/auditd.conf
