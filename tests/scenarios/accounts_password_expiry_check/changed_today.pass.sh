useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
chage -d "$(date -u +%F)" -M 90 alice
