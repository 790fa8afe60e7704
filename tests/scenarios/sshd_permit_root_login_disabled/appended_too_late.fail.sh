# appended after an earlier "yes": the earlier value wins, so this is still a fail
sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config
echo 'PermitRootLogin no' >> /etc/ssh/sshd_config
