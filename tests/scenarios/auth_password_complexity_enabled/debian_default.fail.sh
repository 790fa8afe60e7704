# Debian 12 default: no pam_pwquality in common-password
:
