# Debian's shipped /etc/nftables.conf: an input chain with no rules and policy accept
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter;
	}
	chain forward {
		type filter hook forward priority filter;
	}
	chain output {
		type filter hook output priority filter;
	}
}
NFT
mkdir -p /etc/systemd/system/sysinit.target.wants
touch /lib/systemd/system/nftables.service
ln -sf /lib/systemd/system/nftables.service /etc/systemd/system/sysinit.target.wants/nftables.service
