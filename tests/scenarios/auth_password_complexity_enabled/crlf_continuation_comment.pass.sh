# a CRLF file, a backslash continuation and a trailing comment, reached through a nested include
touch /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so
printf 'password  requisite \\\r\n   pam_pwquality.so retry=3 # site policy\r\n' > /etc/pam.d/site-quality
sed -i 's/^password\t\[success=1 default=ignore\]\tpam_unix.so/password include site-quality\npassword\t[success=1 default=ignore]\tpam_unix.so/' /etc/pam.d/common-password
