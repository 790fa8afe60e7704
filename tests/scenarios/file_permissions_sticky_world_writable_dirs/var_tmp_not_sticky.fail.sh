chmod 0777 /var/tmp
