printf 'ClientAliveInterval 300\nClientAliveCountMax 2\n' > /etc/ssh/sshd_config.d/00-mlps.conf
