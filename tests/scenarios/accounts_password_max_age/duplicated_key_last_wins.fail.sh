# login.defs: the last occurrence of a key wins (shadow-utils getdef), so a later 180 overrides 90
sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS   90/' /etc/login.defs
printf 'PASS_MAX_DAYS\t180\r\n' >> /etc/login.defs
