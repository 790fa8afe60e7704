# a stand-in sshd earlier on PATH reporting an old release, as RHEL 6 would
printf '#!/bin/sh\necho "OpenSSH_5.3p1, OpenSSL 1.0.1e-fips 11 Feb 2013" >&2\nexit 1\n' > /usr/local/sbin/sshd
chmod 755 /usr/local/sbin/sshd
