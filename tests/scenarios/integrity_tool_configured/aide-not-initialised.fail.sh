# AIDE installed and scheduled, but aideinit never ran (only aide.db.new)
rm -f /var/lib/aide/aide.db /var/lib/aide/aide.db.gz /var/lib/hardening/watch/baseline.jsonl
command -v aide >/dev/null 2>&1 || { printf '#!/bin/sh\nexit 0\n' > /usr/local/bin/aide; chmod 755 /usr/local/bin/aide; }
mkdir -p /var/lib/aide && echo stub > /var/lib/aide/aide.db.new
printf '#!/bin/sh\n/usr/bin/aide --config /etc/aide/aide.conf --check\n' > /etc/cron.daily/aide
