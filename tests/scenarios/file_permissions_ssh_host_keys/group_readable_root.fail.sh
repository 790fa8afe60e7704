cp /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_extra_key && chown root:root /etc/ssh/ssh_host_extra_key && chmod 0640 /etc/ssh/ssh_host_extra_key
