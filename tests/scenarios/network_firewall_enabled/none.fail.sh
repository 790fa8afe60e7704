rm -f /etc/nftables.conf /etc/ufw/ufw.conf /etc/sysconfig/iptables /etc/iptables/rules.v4
