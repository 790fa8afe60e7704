usermod -s /bin/bash games
echo "games:Games-Horse-3" | chpasswd
