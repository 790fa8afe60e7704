! dpkg-query -W xinetd openbsd-inetd inetutils-inetd rlinetd >/dev/null 2>&1
