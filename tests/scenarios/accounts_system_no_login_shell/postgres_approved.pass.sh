# params = system_accounts_shell_allowed=[postgres]
# postgres keeps /bin/bash, approved by the site's baseline
for u in $(awk -F: '$3 > 0 && $3 < 1000 && $7 !~ /(nologin|false|sync|shutdown|halt)$/ && $1 != "postgres" {print $1}' /etc/passwd); do
  usermod -s /usr/sbin/nologin "$u"
done
id postgres >/dev/null 2>&1 || useradd -r -s /bin/bash postgres
