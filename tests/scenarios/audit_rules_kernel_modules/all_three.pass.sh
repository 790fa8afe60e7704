mkdir -p /etc/audit/rules.d
printf -- '-a always,exit -F arch=b64 -S init_module,finit_module,delete_module -F auid>=1000 -F auid!=unset -k modules\n' > /etc/audit/rules.d/50-modules.rules
