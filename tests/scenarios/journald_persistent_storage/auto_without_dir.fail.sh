rm -rf /var/log/journal
