# registers the package in dpkg's database (no network needed in the sandbox)
add_package() {
  printf "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: admin\nMaintainer: test\nArchitecture: amd64\nVersion: %s\nDescription: scenario stand-in\n\n" "$1" "$2" >> /var/lib/dpkg/status
}
add_package rsyslog 8.2302.0-1
