add_package() {
  printf "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: net\nMaintainer: test\nArchitecture: amd64\nVersion: %s\nDescription: scenario stand-in\n\n" "$1" "$2" >> /var/lib/dpkg/status
}
add_package rsh-server 0.17-24
