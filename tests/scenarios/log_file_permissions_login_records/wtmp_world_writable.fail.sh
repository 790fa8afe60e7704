touch /var/log/wtmp && chmod 0666 /var/log/wtmp
