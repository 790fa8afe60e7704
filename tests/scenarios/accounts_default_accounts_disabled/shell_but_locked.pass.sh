# a shell but a locked password (the brief: locked OR nologin)
usermod -s /bin/bash lp
