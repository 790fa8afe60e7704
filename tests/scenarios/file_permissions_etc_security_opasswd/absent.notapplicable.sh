rm -f /etc/security/opasswd
