# a security index listing bash at the installed version (and a package that is not installed)
rm -f /var/lib/apt/lists/*security*
v=$(dpkg-query -W -f='${Version}' bash)
L=/var/lib/apt/lists/security.example_debian-security_dists_bookworm-security_main_binary-amd64_Packages
printf 'Package: bash\nVersion: %s\nArchitecture: amd64\n\nPackage: hf-not-installed\nVersion: 99.0-1\nArchitecture: amd64\n\n' "$v" > "$L"
