echo 'PermitEmptyPasswords yes' > /etc/ssh/sshd_config.d/00-bad.conf
