useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
chage -M 90 alice
# root gets a usable password with no expiry
echo "root:Another-Horse-7" | chpasswd
