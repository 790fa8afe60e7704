usermod -s /bin/bash daemon
