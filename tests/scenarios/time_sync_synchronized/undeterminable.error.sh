# no systemd (no timedatectl answer) and no time daemon: the state cannot be known
rm -f /usr/local/bin/chronyc
