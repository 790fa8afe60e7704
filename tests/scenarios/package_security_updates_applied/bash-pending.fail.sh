# the index offers a newer bash (a higher Debian revision, ~ and + ordering included)
rm -f /var/lib/apt/lists/*security*
v=$(dpkg-query -W -f='${Version}' bash)
L=/var/lib/apt/lists/security.example_debian-security_dists_bookworm-security_main_binary-amd64_Packages
printf 'Package: bash\nVersion: %s+deb12u9~sec1\nArchitecture: amd64\n\n' "$v" > "$L"
