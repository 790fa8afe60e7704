# same, with the index compressed the way apt keeps it on some hosts (lz4 / gz)
rm -f /var/lib/apt/lists/*security*
v=$(dpkg-query -W -f='${Version}' bash)
L=/var/lib/apt/lists/security.example_debian-security_dists_bookworm-security_main_binary-amd64_Packages
printf 'Package: bash\nVersion: 1:%s\nArchitecture: amd64\n\n' "$v" | gzip -c > "$L.gz"
