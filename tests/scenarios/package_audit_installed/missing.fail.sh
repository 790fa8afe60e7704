! dpkg-query -W -f='${Status}' auditd 2>/dev/null | grep -q 'ok installed'
