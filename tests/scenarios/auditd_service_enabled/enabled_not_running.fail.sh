printf '[Unit]\nDescription=Security Auditing Service\n[Service]\nExecStart=/sbin/auditd\n[Install]\nWantedBy=multi-user.target\n' > /lib/systemd/system/auditd.service
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /lib/systemd/system/auditd.service /etc/systemd/system/multi-user.target.wants/auditd.service
