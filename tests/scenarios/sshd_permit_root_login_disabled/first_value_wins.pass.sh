# sshd keeps the first value it reads: the drop-in (Included at the top) beats the main file
echo 'PermitRootLogin no' > /etc/ssh/sshd_config.d/00-mlps.conf
echo 'PermitRootLogin yes' >> /etc/ssh/sshd_config
