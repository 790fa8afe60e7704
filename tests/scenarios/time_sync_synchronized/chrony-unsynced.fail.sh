mkdir -p /etc/chrony
printf "server 10.10.0.1 iburst\n" > /etc/chrony/chrony.conf
cp /bin/sleep /usr/local/sbin/chronyd
setsid /usr/local/sbin/chronyd 600 >/dev/null 2>&1 </dev/null &
sleep 0.2
# a stand-in chronyc answering as a chronyd that cannot reach its source
cat > /usr/local/bin/chronyc <<'OUT'
#!/bin/sh
cat <<'T'
Reference ID    : 00000000 ()
Stratum         : 0
Ref time (UTC)  : Thu Jan 01 00:00:00 1970
Leap status     : Not synchronised
T
OUT
chmod 755 /usr/local/bin/chronyc
