# params = special_files_search_paths=[/srv]
mkdir -p /srv/app && touch /srv/app/config.ini && chmod 0646 /srv/app/config.ini
