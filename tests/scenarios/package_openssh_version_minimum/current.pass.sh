# Debian 12 ships OpenSSH 9.2
