# faillock is wired, but sshd does not use PAM: failed SSH logins are never counted
sed -i "s/^auth\t\[success=1 default=ignore\]\tpam_unix.so nullok/auth\trequisite\t\t\tpam_faillock.so preauth\nauth\t[success=2 default=ignore]\tpam_unix.so nullok\nauth\t[default=die]\t\t\tpam_faillock.so authfail/" /etc/pam.d/common-auth
sed -i "s/^account\t\[success=1 new_authtok_reqd=done default=ignore\]\tpam_unix.so/account\trequired\t\t\tpam_faillock.so\naccount\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so/" /etc/pam.d/common-account
printf 'UsePAM no\n' > /etc/ssh/sshd_config.d/00-nopam.conf
