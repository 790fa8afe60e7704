# Debian 12 default: the pam_wheel lines are commented out
:
