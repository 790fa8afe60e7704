# failures are counted, but the account phase never resets the counter (and RHEL guides require it)
sed -i "s/^auth\t\[success=1 default=ignore\]\tpam_unix.so nullok/auth\trequisite\t\t\tpam_faillock.so preauth\nauth\t[success=2 default=ignore]\tpam_unix.so nullok\nauth\t[default=die]\t\t\tpam_faillock.so authfail/" /etc/pam.d/common-auth
