# hardened: a tmpfs with all three options
mkdir -p /tmp
mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 tmpfs /tmp
