# include = hf_sysctl
hf_sysctl kernel.randomize_va_space 2
hf_sysctl kernel.randomize_va_space 1
