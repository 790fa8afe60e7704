chown root:root /etc/ssh/sshd_config && chmod 600 /etc/ssh/sshd_config
