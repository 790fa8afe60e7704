! dpkg-query -W vsftpd proftpd-basic proftpd-core proftpd pure-ftpd pure-ftpd-common ftpd inetutils-ftpd ftpd-ssl wu-ftpd >/dev/null 2>&1
