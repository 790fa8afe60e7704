# without preauth a locked account still logs in with the right password
sed -i "s/^auth\t\[success=1 default=ignore\]\tpam_unix.so nullok/auth\t[success=2 default=ignore]\tpam_unix.so nullok\nauth\t[default=die]\t\t\tpam_faillock.so authfail/" /etc/pam.d/common-auth
sed -i "s/^account\t\[success=1 new_authtok_reqd=done default=ignore\]\tpam_unix.so/account\trequired\t\t\tpam_faillock.so\naccount\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so/" /etc/pam.d/common-account
