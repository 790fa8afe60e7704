# include = debian_auditd_conf
