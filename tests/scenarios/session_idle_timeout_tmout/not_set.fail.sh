rm -f /etc/profile.d/zz-mlps-tmout.sh
