# separate mount without noexec
mkdir -p /tmp
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
