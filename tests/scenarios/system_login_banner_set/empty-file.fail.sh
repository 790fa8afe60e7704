: > /etc/issue.net
mkdir -p /etc/ssh/sshd_config.d
echo 'Banner /etc/issue.net' > /etc/ssh/sshd_config.d/banner.conf
