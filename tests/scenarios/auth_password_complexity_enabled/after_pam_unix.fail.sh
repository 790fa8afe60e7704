# the quality check comes after pam_unix has already changed the password
touch /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so
sed -i 's/^password\trequired\t\t\tpam_permit.so/password\trequired\t\t\tpam_permit.so\npassword\trequisite\tpam_pwquality.so retry=3/' /etc/pam.d/common-password
