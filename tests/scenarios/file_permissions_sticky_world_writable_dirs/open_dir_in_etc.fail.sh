mkdir -p /etc/dropbox && chmod 0777 /etc/dropbox
