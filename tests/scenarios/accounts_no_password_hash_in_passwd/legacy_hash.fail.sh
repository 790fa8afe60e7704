# an old-style entry with its hash in the world-readable passwd file
printf 'legacy:$6$saltsalt$0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdefAB:1500:1500::/home/legacy:/bin/sh\n' >> /etc/passwd
