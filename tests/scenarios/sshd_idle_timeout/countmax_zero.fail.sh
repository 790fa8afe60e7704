# the old "600/0" advice: since OpenSSH 8.2 CountMax 0 disables the timeout
printf 'ClientAliveInterval 600\nClientAliveCountMax 0\n' > /etc/ssh/sshd_config.d/00-mlps.conf
