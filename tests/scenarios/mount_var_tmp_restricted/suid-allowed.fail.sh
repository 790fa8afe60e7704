# separate mount without nosuid
mkdir -p /var/tmp
mount -t tmpfs -o nodev,noexec,mode=1777 tmpfs /var/tmp
