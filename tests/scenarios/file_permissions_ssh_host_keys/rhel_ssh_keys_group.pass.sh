# (the sandbox's own sshd needs its keys 0600, so an extra key file stands in for the RHEL layout)
getent group ssh_keys >/dev/null || groupadd -r ssh_keys
cp /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_extra_key
chown root:ssh_keys /etc/ssh/ssh_host_extra_key && chmod 0640 /etc/ssh/ssh_host_extra_key
