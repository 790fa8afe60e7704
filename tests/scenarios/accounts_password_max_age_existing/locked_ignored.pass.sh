useradd -m -s /bin/bash alice
echo "alice:Correct-Horse-9" | chpasswd
# a locked account is not judged
usermod -L alice
