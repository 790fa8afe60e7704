# evidence only: who is in sudo/adm and what sudoers grants
useradd -m -s /bin/bash sysadm; useradd -m -s /bin/bash secadm; useradd -m -s /bin/bash audadm
usermod -aG sudo sysadm; usermod -aG adm audadm
printf 'secadm ALL = (root) /usr/sbin/useradd, /usr/sbin/usermod, /usr/bin/passwd\n' > /etc/sudoers.d/secadm
chmod 0440 /etc/sudoers.d/secadm
