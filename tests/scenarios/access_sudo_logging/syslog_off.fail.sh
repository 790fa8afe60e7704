printf 'Defaults !syslog\n' > /etc/sudoers.d/quiet
chmod 0440 /etc/sudoers.d/quiet
