chown root:root /etc/ssh/ssh_host_*_key && chmod 0600 /etc/ssh/ssh_host_*_key
