add_package() { # registers the package in dpkg's database (no network needed in the sandbox)
  printf "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: net\nMaintainer: test\nArchitecture: amd64\nVersion: %s\nDescription: scenario stand-in\n\n" "$1" "$2" >> /var/lib/dpkg/status
}
add_package inetutils-talkd 2:2.4-2
