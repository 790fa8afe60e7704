rm -f /var/lib/aide/aide.db /var/lib/aide/aide.db.gz /etc/hardening/watch.yml
