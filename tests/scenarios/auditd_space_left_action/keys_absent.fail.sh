# include = debian_auditd_conf
sed -i '/space_left_action/d; /disk_full_action/d' /etc/audit/auditd.conf
