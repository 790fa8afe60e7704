# a baseline alone, never compared against: not monitoring
rm -f /var/lib/aide/aide.db /var/lib/aide/aide.db.gz /etc/systemd/system/multi-user.target.wants/hardening-watch.service
mkdir -p /var/lib/hardening/watch
printf '{"header": "stand-in baseline"}\n' > /var/lib/hardening/watch/baseline.jsonl
