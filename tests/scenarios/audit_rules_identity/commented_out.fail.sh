mkdir -p /etc/audit/rules.d
printf -- '#-w /etc/passwd -p wa -k identity\n# -w /etc/group -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-w /etc/gshadow -p wa -k identity\n-w /etc/security/opasswd -p wa -k identity\n' > /etc/audit/rules.d/50-identity.rules
