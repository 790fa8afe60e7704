# sudo before 1.9.14 (Debian 11, 12) does not use a pty unless told to
# debian = 11,12
sed -i 's/^Defaults\tuse_pty/#Defaults\tuse_pty/' /etc/sudoers
