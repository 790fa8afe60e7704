# augenrules regenerates audit.rules from rules.d: a stale audit.rules is not what gets loaded
mkdir -p /etc/audit/rules.d
printf -- '-w /etc/passwd -p wa\n-w /etc/group -p wa\n-w /etc/shadow -p wa\n-w /etc/gshadow -p wa\n-w /etc/security/opasswd -p wa\n' > /etc/audit/audit.rules
printf -- '-D\n-b 8192\n' > /etc/audit/rules.d/audit.rules
