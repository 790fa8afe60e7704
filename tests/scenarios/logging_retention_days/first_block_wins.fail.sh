# logrotate ignores the second block for a log already named (duplicate log entry)
# include = debian_logrotate
printf '/var/log/auth.log {\n  monthly\n  rotate 12\n}\n' > /etc/logrotate.d/zz-auth
