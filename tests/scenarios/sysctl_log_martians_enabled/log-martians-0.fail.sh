# include = hf_sysctl
hf_sysctl net.ipv4.conf.all.log_martians 1
hf_sysctl net.ipv4.conf.default.log_martians 1
hf_sysctl net.ipv4.conf.all.log_martians 0
