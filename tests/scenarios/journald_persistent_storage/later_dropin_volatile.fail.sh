# drop-ins apply in file-name order: 60-volatile overrides 50-persistent
mkdir -p /var/log/journal /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=persistent\n' > /etc/systemd/journald.conf.d/50-persistent.conf
printf '[Journal]\nStorage=volatile\n' > /etc/systemd/journald.conf.d/60-volatile.conf
