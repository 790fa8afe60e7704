! dpkg-query -W -f='${Status}' rsyslog 2>/dev/null | grep -q 'ok installed'
