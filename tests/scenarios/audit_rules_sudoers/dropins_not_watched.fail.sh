mkdir -p /etc/audit/rules.d
printf -- '-w /etc/sudoers -p wa -k scope\n' > /etc/audit/rules.d/50-scope.rules
