printf 'umask 022\n' > /etc/profile.d/zz-test.sh && chmod 0666 /etc/profile.d/zz-test.sh
