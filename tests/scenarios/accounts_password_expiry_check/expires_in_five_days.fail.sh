useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
# changed 85 days ago with a 90-day limit: expires in 5 days
chage -d "$(date -u -d "-85 days" +%F)" -M 90 alice
