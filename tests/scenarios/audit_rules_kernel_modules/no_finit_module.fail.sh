mkdir -p /etc/audit/rules.d
printf -- '-a always,exit -F arch=b64 -S init_module -S delete_module -k modules\n-w /sbin/insmod -p x -k modules\n' > /etc/audit/rules.d/50-modules.rules
