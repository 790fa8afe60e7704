rm -f /boot/grub/grub.cfg /boot/grub2/grub.cfg
