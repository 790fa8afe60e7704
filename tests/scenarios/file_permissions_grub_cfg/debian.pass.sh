mkdir -p /boot/grub && printf 'set default=0\n' > /boot/grub/grub.cfg && chown root:root /boot/grub/grub.cfg && chmod 0600 /boot/grub/grub.cfg
