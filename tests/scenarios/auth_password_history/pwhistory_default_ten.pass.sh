# no remember= argument: pam_pwhistory remembers 10 by default
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/password\trequisite\tpam_pwhistory.so use_authtok\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
