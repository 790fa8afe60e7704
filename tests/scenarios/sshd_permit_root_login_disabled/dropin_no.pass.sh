echo 'PermitRootLogin no' > /etc/ssh/sshd_config.d/00-mlps.conf
