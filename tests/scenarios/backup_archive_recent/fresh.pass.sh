# params = backup_archive_dirs=[/srv/backup]
mkdir -p /srv/backup/2026 && echo data > /srv/backup/2026/full.tar.gz
