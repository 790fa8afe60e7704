printf 'dev ALL=(ALL ALL\n' > /etc/sudoers.d/broken
chmod 0440 /etc/sudoers.d/broken
