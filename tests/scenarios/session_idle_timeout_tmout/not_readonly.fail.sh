echo 'export TMOUT=300' >> /etc/profile
