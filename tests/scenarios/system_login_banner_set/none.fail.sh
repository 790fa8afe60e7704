rm -f /etc/ssh/sshd_config.d/banner.conf; sed -i '/^Banner/d' /etc/ssh/sshd_config
