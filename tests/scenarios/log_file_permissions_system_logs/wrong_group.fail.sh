touch /var/log/auth.log && chown root:users /var/log/auth.log && chmod 0640 /var/log/auth.log
