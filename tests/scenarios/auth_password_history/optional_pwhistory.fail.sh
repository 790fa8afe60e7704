# optional: a reused password only logs a warning
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/password\toptional\tpam_pwhistory.so remember=5 use_authtok\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
