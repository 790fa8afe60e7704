# limits.conf sets 5, but a later drop-in (read after it, by name) raises it to 100: the last wins
echo '*  hard  maxlogins  5' >> /etc/security/limits.conf
mkdir -p /etc/security/limits.d
echo '*  -  maxlogins  100' > /etc/security/limits.d/90-app.conf
echo '*  -  maxlogins  3' > /etc/security/limits.d/10-base.conf
