# Debian 12 default: no password history
:
