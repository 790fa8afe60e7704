# Debian 12 default: UMASK 022
:
