useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
chage -M 90 alice
