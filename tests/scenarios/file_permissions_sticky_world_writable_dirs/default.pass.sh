chmod 1777 /tmp /var/tmp
