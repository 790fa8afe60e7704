# params = backup_archive_dirs=[/srv/backup]
# the folder is empty (or missing)
rm -rf /srv/backup
