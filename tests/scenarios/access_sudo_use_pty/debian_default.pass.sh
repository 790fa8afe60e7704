# Debian 12 ships Defaults use_pty
:
