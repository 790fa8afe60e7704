rm -f /lib/systemd/system/auditd.service /etc/systemd/system/auditd.service
