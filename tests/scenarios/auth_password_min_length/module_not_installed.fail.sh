# minlen = 12 is configured, but libpam-pwquality is not installed: nothing enforces it
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/password requisite pam_pwquality.so retry=3\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
printf 'minlen = 12\n' > /etc/security/pwquality.conf
