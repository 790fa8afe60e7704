# include = debian_auditd_conf
sed -i 's/^space_left_action = SYSLOG/space_left_action = email/; s/^admin_space_left_action = SUSPEND/admin_space_left_action = single/' /etc/audit/auditd.conf
