mkdir -p /etc/security && touch /etc/security/opasswd && chmod 0644 /etc/security/opasswd
