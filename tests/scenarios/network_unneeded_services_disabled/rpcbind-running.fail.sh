# installed but not enabled, yet running (started by hand)
printf '[Service]\nExecStart=/sbin/rpcbind -f -w\n' > /lib/systemd/system/rpcbind.service
cp /bin/sleep /usr/local/sbin/rpcbind
setsid /usr/local/sbin/rpcbind 600 >/dev/null 2>&1 </dev/null &
sleep 0.2
