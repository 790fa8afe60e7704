# include = debian_auditd_conf
sed -i '/^max_log_file_action/d' /etc/audit/auditd.conf
