# include = hf_sysctl
hf_sysctl fs.suid_dumpable 0
