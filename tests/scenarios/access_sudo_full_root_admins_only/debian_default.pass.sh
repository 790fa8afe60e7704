# Debian 12 default: root and %sudo only
:
