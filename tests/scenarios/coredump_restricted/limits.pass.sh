# include = hf_sysctl
hf_sysctl fs.suid_dumpable 0
mkdir -p /etc/security/limits.d
echo '* hard core 0' > /etc/security/limits.d/50-mlps-core.conf
