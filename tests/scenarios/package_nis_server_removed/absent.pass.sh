! dpkg-query -W nis ypserv ypbind >/dev/null 2>&1
