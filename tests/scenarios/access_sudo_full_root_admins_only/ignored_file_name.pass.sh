# sudo skips includedir files whose name contains a dot, so this grant is not in effect
printf 'dev ALL=(ALL) ALL\n' > /etc/sudoers.d/dev.disabled
chmod 0440 /etc/sudoers.d/dev.disabled
