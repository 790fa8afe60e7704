# include = debian_auditd_conf
sed -i 's/^max_log_file_action = ROTATE/max_log_file_action = SUSPEND/' /etc/audit/auditd.conf
