rm -rf /etc/audit
