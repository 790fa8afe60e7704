# Debian 12 ships Defaults use_pty; sudo 1.9.14+ (Debian 13) uses a pty by default
# debian = 12,13
:
