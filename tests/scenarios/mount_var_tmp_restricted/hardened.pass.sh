# hardened: a tmpfs with all three options
mkdir -p /var/tmp
mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 tmpfs /var/tmp
