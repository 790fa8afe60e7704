mkdir -p /etc/audit/rules.d
{
  for c in /usr/bin/su /usr/sbin/useradd /usr/sbin/usermod /usr/sbin/userdel /usr/sbin/groupadd /usr/sbin/groupmod /usr/sbin/groupdel /usr/bin/passwd; do
    echo "-w $c -p x -k privileged"
  done
  echo "-w /usr/bin/sudo -p wa -k privileged"
} > /etc/audit/rules.d/50-privileged.rules
