# include = hf_sysctl
hf_sysctl net.ipv4.ip_forward 0
hf_sysctl net.ipv6.conf.all.forwarding 0
