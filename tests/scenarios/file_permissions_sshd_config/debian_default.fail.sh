chmod 644 /etc/ssh/sshd_config
