printf 'readonly TMOUT=1800\nexport TMOUT\n' > /etc/profile.d/zz-mlps-tmout.sh
