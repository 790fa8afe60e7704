echo 'MaxAuthTries 4' > /etc/ssh/sshd_config.d/00-mlps.conf
