printf 'ops ALL = (root) /usr/bin/systemctl restart nginx, /usr/bin/journalctl\n' > /etc/sudoers.d/ops
chmod 0440 /etc/sudoers.d/ops
