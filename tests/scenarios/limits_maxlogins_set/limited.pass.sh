mkdir -p /etc/security/limits.d
printf '# MLPS\n*    hard    maxlogins    10   # per user\n' > /etc/security/limits.d/50-mlps.conf
