# "-password" lines are silently skipped when the module is missing, so nothing checks quality
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/-password requisite pam_pwquality.so retry=3\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
