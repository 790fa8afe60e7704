# Debian 12 default: every password field is x
:
