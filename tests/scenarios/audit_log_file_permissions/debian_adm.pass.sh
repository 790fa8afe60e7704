# include = debian_auditd_conf
mkdir -p -m 0750 /var/log/audit && chgrp adm /var/log/audit
touch /var/log/audit/audit.log && chown root:adm /var/log/audit/audit.log && chmod 0640 /var/log/audit/audit.log
