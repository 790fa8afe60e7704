# a world-writable file in /tmp is outside the searched system paths
touch /tmp/scratch && chmod 0666 /tmp/scratch
# a world-writable symlink (links are always 0777) is not a finding
ln -sf /etc/hostname /etc/hostname-link
