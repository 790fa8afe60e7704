# params = sudo_nopasswd_allowed_principals=[ansible]
printf 'ansible ALL=(ALL) NOPASSWD: ALL\n' > /etc/sudoers.d/ansible
chmod 0440 /etc/sudoers.d/ansible
