useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
chage -d "$(date -u -d "-100 days" +%F)" -M 90 alice
