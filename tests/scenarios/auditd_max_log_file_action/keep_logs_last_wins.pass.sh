# include = debian_auditd_conf
printf 'MAX_LOG_FILE_ACTION=keep_logs\r\n' >> /etc/audit/auditd.conf
