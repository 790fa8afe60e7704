mkdir -p /boot/grub2 && printf 'set default=0\n' > /boot/grub2/grub.cfg && chmod 0400 /boot/grub2/grub.cfg
