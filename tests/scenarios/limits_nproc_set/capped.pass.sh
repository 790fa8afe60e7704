mkdir -p /etc/security/limits.d
printf '*\tsoft\tnproc\t4096\r\n*\thard\tnproc\t4096\r\n' > /etc/security/limits.d/20-nproc.conf
