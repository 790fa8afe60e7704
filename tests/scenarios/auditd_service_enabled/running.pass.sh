# a packaged unit, enabled the way systemctl enable does it, and a running auditd process
printf '[Unit]\nDescription=Security Auditing Service\n[Service]\nExecStart=/sbin/auditd\n[Install]\nWantedBy=multi-user.target\n' > /lib/systemd/system/auditd.service
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /lib/systemd/system/auditd.service /etc/systemd/system/multi-user.target.wants/auditd.service
cp /bin/sleep /usr/local/sbin/auditd
setsid /usr/local/sbin/auditd 3600 >/dev/null 2>&1 < /dev/null &
