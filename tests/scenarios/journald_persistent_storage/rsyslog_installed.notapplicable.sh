printf "Package: rsyslog\nStatus: install ok installed\nPriority: important\nSection: admin\nMaintainer: test\nArchitecture: amd64\nVersion: 8.2302.0-1\nDescription: scenario stand-in\n\n" >> /var/lib/dpkg/status
rm -rf /var/log/journal
