useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
# a new account counts from when its password was set
