chmod 666 /etc/passwd
