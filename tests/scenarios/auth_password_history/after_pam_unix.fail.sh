# pam_pwhistory placed after pam_unix: the password is already changed when it runs
sed -i 's/^password\trequired\t\t\tpam_permit.so/password\trequired\t\t\tpam_permit.so\npassword\trequired\tpam_pwhistory.so remember=5 use_authtok/' /etc/pam.d/common-password
grep -q pam_pwhistory /etc/pam.d/common-password || exit 1
