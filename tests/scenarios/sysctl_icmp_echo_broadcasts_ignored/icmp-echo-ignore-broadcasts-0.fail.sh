# include = hf_sysctl
hf_sysctl net.ipv4.icmp_echo_ignore_broadcasts 1
hf_sysctl net.ipv4.icmp_echo_ignore_broadcasts 0
