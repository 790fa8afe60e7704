mkdir -p /etc/audit/rules.d
printf -- '-w /var/log/lastlog -p wa -k logins\n-w /var/log/wtmp -p wa -k session\n-w /var/log/btmp -p wa -k session\n' > /etc/audit/rules.d/50-logins.rules
