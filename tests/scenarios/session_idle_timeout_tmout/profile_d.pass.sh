printf 'TMOUT=600\nreadonly TMOUT\nexport TMOUT\n' > /etc/profile.d/zz-mlps-tmout.sh
