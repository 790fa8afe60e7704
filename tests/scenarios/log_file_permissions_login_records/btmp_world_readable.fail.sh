touch /var/log/wtmp /var/log/btmp
chown root:utmp /var/log/wtmp /var/log/btmp && chmod 0664 /var/log/wtmp /var/log/btmp
