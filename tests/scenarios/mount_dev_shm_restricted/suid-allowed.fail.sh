# separate mount without nosuid
mkdir -p /dev/shm
mount -t tmpfs -o nodev,noexec,mode=1777 tmpfs /dev/shm
