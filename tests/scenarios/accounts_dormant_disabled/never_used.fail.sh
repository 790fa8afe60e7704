useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
# password set 200 days ago, never logged in
chage -d "$(date -u -d "-200 days" +%F)" alice
