# include = hf_sysctl
hf_sysctl fs.suid_dumpable 0
sed -i '/core/d' /etc/security/limits.conf
rm -f /etc/security/limits.d/*.conf
