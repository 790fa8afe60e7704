mkdir -p /etc/audit/rules.d
cat > /etc/audit/rules.d/50-identity.rules <<'R'
## identity (CIS 4.1.3.8)
-w /etc/passwd -p wa -k identity
-w /etc/group -p wa -k identity
-w /etc/shadow -p wa -k identity
-w /etc/gshadow -p wa -k identity
-w /etc/security/opasswd -p wa -k identity
R
