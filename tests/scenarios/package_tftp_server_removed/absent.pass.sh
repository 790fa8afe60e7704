! dpkg-query -W tftpd-hpa tftpd atftpd tftp-server dnsmasq-tftp >/dev/null 2>&1
