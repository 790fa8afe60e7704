# separate mount without noexec
mkdir -p /var/tmp
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /var/tmp
