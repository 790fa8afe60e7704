# a commented-out key is not set
sed -i 's/^PASS_WARN_AGE.*/# PASS_WARN_AGE   14/' /etc/login.defs
