# evidence only: sshd AuthenticationMethods and second-factor PAM modules
printf "AuthenticationMethods publickey,password\n" > /etc/ssh/sshd_config.d/50-mfa.conf
