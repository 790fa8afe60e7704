# Debian 11's sudoers has no use_pty line and sudo 1.9.5 does not use a pty unless told to
# debian = 11
:
