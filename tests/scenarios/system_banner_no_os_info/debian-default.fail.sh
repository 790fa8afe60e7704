# Debian 12 default: "Debian GNU/Linux 12 \n \l"
