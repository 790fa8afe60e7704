printf 'Authorised use only.\n' > /etc/issue
printf 'Authorised use only.\n' > /etc/issue.net
