# every system account on nologin (this image's postgres account ships with /bin/bash)
for u in $(awk -F: '$3 > 0 && $3 < 1000 && $7 !~ /(nologin|false|sync|shutdown|halt)$/ {print $1}' /etc/passwd); do
  usermod -s /usr/sbin/nologin "$u"
done
