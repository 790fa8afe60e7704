# include = hf_sysctl
hf_sysctl net.ipv4.conf.all.accept_redirects 0
hf_sysctl net.ipv4.conf.default.accept_redirects 0
hf_sysctl net.ipv6.conf.all.accept_redirects 0
hf_sysctl net.ipv6.conf.default.accept_redirects 0
hf_sysctl net.ipv4.conf.all.accept_redirects 1
