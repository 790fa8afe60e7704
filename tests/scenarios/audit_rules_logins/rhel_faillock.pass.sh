mkdir -p /etc/audit/rules.d
printf -- '-w /var/log/lastlog -p wa -k logins\n-w /var/run/faillock/ -p wa -k logins\n-a always,exit -F path=/var/log/wtmp -F perm=wa -k session\n-w /var/log/btmp -p wa -k session\n' > /etc/audit/rules.d/50-logins.rules
