# wired for sshd only (its own file), console logins through common-auth stay unprotected
sed -i 's/^@include common-auth/auth requisite pam_faillock.so preauth\n@include common-auth\nauth [default=die] pam_faillock.so authfail/; s/^@include common-account/account required pam_faillock.so\n@include common-account/' /etc/pam.d/sshd
