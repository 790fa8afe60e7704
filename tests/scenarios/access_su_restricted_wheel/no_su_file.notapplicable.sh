rm -f /etc/pam.d/su
