printf '[Unit]\nDescription=Security Auditing Service\n[Service]\nExecStart=/sbin/auditd\n' > /lib/systemd/system/auditd.service
cp /bin/sleep /usr/local/sbin/auditd
setsid /usr/local/sbin/auditd 3600 >/dev/null 2>&1 < /dev/null &
