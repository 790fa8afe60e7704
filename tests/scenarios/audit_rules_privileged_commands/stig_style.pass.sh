mkdir -p /etc/audit/rules.d
{
  for c in /usr/bin/sudo /bin/su /usr/sbin/useradd /usr/sbin/usermod /usr/sbin/userdel; do
    echo "-a always,exit -F path=$c -F perm=x -F auid>=1000 -F auid!=unset -k privileged"
  done
  for c in /usr/sbin/groupadd /usr/sbin/groupmod /usr/sbin/groupdel /usr/bin/passwd; do
    echo "-w $c -p x -k privileged"
  done
} > /etc/audit/rules.d/50-privileged.rules
