# include = hf_sysctl
hf_sysctl kernel.core_pattern "|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h"
mkdir -p /etc/systemd/coredump.conf.d
printf '[Coredump]\nStorage=none\nProcessSizeMax=0\n' > /etc/systemd/coredump.conf.d/50-mlps.conf
