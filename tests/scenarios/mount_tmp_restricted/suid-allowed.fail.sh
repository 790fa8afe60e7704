# separate mount without nosuid
mkdir -p /tmp
mount -t tmpfs -o nodev,noexec,mode=1777 tmpfs /tmp
