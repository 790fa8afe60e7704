printf 'Authorised use only.\n' > /etc/issue.net
printf 'Authorised use only. Kernel \\r on \\m\n' > /etc/issue
