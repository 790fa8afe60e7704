mkdir -p /etc/chrony/sources.d
printf 'confdir /etc/chrony/conf.d\nsourcedir /etc/chrony/sources.d\ndriftfile /var/lib/chrony/chrony.drift\n' > /etc/chrony/chrony.conf
printf 'server 10.10.0.1 iburst\n' > /etc/chrony/sources.d/internal.sources
cp /bin/sleep /usr/local/sbin/chronyd
setsid /usr/local/sbin/chronyd 600 >/dev/null 2>&1 </dev/null &
sleep 0.2
