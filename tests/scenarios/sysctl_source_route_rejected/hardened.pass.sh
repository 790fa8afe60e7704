# include = hf_sysctl
hf_sysctl net.ipv4.conf.all.accept_source_route 0
hf_sysctl net.ipv4.conf.default.accept_source_route 0
hf_sysctl net.ipv6.conf.all.accept_source_route 0
hf_sysctl net.ipv6.conf.default.accept_source_route 0
