# include = hf_sysctl
hf_sysctl net.ipv4.conf.all.send_redirects 0
hf_sysctl net.ipv4.conf.default.send_redirects 0
hf_sysctl net.ipv4.conf.all.send_redirects 1
