# Debian 12: no rsyslog, Storage=auto (commented default) and /var/log/journal present
mkdir -p /var/log/journal
