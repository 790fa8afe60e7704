chmod 664 /etc/group
