# sudo 1.9.14+ (Debian 13) uses a pty unless told not to: no line is needed
# debian = 13
sed -i 's/^Defaults\tuse_pty/#Defaults\tuse_pty/' /etc/sudoers
