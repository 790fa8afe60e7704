# the line is there, but libpam-pwquality is not installed: the stack cannot load it
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/password requisite pam_pwquality.so retry=3\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
