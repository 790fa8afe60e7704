# hardened: a tmpfs with all three options
mkdir -p /dev/shm
mount -t tmpfs -o nosuid,nodev,noexec,mode=1777 tmpfs /dev/shm
