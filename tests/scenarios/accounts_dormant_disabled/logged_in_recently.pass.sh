useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
chage -d "$(date -u -d "-200 days" +%F)" alice
# but alice logged in just now (lastlog record)
lastlog -S -u alice
