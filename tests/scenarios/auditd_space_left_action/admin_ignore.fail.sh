# include = debian_auditd_conf
sed -i 's/^admin_space_left_action = SUSPEND/admin_space_left_action = ignore/' /etc/audit/auditd.conf
