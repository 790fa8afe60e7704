useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
# useradd copied PASS_MAX_DAYS 99999 from login.defs
