# include = hf_sysctl
hf_sysctl net.ipv4.tcp_syncookies 1
