touch /var/log/wtmp /var/log/btmp
chown root:utmp /var/log/wtmp /var/log/btmp && chmod 0664 /var/log/wtmp && chmod 0660 /var/log/btmp
