# timesyncd runs with only its compiled-in public fallback (unreachable on an intranet)
rm -f /etc/chrony/chrony.conf /etc/chrony.conf /etc/ntp.conf
printf '[Time]\n#NTP=\n#FallbackNTP=0.debian.pool.ntp.org\n' > /etc/systemd/timesyncd.conf
cp /bin/sleep /usr/local/sbin/systemd-timesyn
setsid /usr/local/sbin/systemd-timesyn 600 >/dev/null 2>&1 </dev/null &
sleep 0.2
