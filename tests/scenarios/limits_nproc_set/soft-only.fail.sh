# RHEL's shipped 20-nproc.conf: a soft limit any user may raise
mkdir -p /etc/security/limits.d
printf '*          soft    nproc     4096\nroot       soft    nproc     unlimited\n' > /etc/security/limits.d/20-nproc.conf
