! dpkg-query -W telnetd inetutils-telnetd >/dev/null 2>&1
