# separate mount without noexec
mkdir -p /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
