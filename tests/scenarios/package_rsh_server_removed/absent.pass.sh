! dpkg-query -W rsh-server >/dev/null 2>&1
