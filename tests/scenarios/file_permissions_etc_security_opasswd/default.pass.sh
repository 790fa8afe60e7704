mkdir -p /etc/security && touch /etc/security/opasswd && chown root:root /etc/security/opasswd && chmod 0600 /etc/security/opasswd
