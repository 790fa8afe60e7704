# include = hf_sysctl
hf_sysctl net.ipv4.conf.all.rp_filter 1
hf_sysctl net.ipv4.conf.default.rp_filter 1
hf_sysctl net.ipv4.conf.all.rp_filter 0
