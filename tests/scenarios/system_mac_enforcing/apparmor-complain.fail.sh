# AppArmor enabled but every profile only in complain mode
mount -t tmpfs -o size=1m tmpfs /sys/module
mkdir -p /sys/module/apparmor/parameters
echo Y > /sys/module/apparmor/parameters/enabled
mount -t tmpfs -o size=1m tmpfs /sys/kernel/security
mkdir -p /sys/kernel/security/apparmor
printf '/usr/bin/man (complain)\n' > /sys/kernel/security/apparmor/profiles
