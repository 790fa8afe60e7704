# Debian 11+ layout: preauth/authfail around pam_unix in common-auth, and the account phase
sed -i "s/^auth\t\[success=1 default=ignore\]\tpam_unix.so nullok/auth\trequisite\t\t\tpam_faillock.so preauth deny=10\nauth\t[success=2 default=ignore]\tpam_unix.so nullok\nauth\t[default=die]\t\t\tpam_faillock.so authfail deny=10/" /etc/pam.d/common-auth
sed -i "s/^account\t\[success=1 new_authtok_reqd=done default=ignore\]\tpam_unix.so/account\trequired\t\t\tpam_faillock.so\naccount\t[success=1 new_authtok_reqd=done default=ignore]\tpam_unix.so/" /etc/pam.d/common-account
grep -q "pam_faillock.so authfail" /etc/pam.d/common-auth || { echo "common-auth not as expected" >&2; exit 1; }
# module arguments override faillock.conf
printf "deny = 3\\n" > /etc/security/faillock.conf
