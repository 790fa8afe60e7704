# chrony configured with one server and a process named chronyd running (shared starting state)
mkdir -p /etc/chrony
printf "server 10.10.0.1 iburst\n" > /etc/chrony/chrony.conf
cp /bin/sleep /usr/local/sbin/chronyd
setsid /usr/local/sbin/chronyd 600 >/dev/null 2>&1 </dev/null &
sleep 0.2
