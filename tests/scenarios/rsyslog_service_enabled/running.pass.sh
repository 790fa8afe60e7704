printf '[Unit]\nDescription=System Logging Service\n[Service]\nExecStart=/usr/sbin/rsyslogd -n\n[Install]\nWantedBy=multi-user.target\nAlias=syslog.service\n' > /lib/systemd/system/rsyslog.service
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /lib/systemd/system/rsyslog.service /etc/systemd/system/multi-user.target.wants/rsyslog.service
cp /bin/sleep /usr/local/sbin/rsyslogd
setsid /usr/local/sbin/rsyslogd 3600 >/dev/null 2>&1 < /dev/null &
