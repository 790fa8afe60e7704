add_package() { # registers the package in dpkg's database (no network needed in the sandbox)
  printf "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: net\nMaintainer: test\nArchitecture: amd64\nVersion: %s\nDescription: scenario stand-in\n\n" "$1" "$2" >> /var/lib/dpkg/status
}
add_package openbsd-inetd 0.20221205-1
