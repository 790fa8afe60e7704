# Debian 12 default: lp, games, news... have nologin and locked passwords
:
