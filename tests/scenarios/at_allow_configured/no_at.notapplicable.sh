rm -f /usr/bin/at
