# sudo 1.9.13 (Debian 12) does not use a pty unless told to
sed -i 's/^Defaults\tuse_pty/#Defaults\tuse_pty/' /etc/sudoers
