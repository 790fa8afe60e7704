rm -f /var/lib/aide/aide.db /var/lib/aide/aide.db.gz /var/lib/hardening/watch/baseline.jsonl
