# an empty password field in passwd: no password at all
printf 'nopw::1501:1501::/home/nopw:/bin/sh\n' >> /etc/passwd
