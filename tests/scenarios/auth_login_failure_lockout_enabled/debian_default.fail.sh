# Debian 12 default: no lockout
:
