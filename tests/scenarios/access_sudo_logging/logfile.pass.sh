printf 'Defaults !syslog\nDefaults logfile="/var/log/sudo.log"\n' > /etc/sudoers.d/logging
chmod 0440 /etc/sudoers.d/logging
