# params = backup_archive_dirs=[/srv/backup]
mkdir -p /srv/backup && echo data > /srv/backup/full.tar.gz
touch -d '20 days ago' /srv/backup/full.tar.gz
