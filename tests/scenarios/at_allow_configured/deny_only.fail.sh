[ -e /usr/bin/at ] || cp /bin/true /usr/bin/at
rm -f /etc/at.allow
printf 'alias\nbackup\nbin\ndaemon\n' > /etc/at.deny && chown root:daemon /etc/at.deny && chmod 0640 /etc/at.deny
