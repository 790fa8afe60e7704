# passwd includes a file that does not exist: libpam fails the stack, the scanner cannot judge it
printf '@include common-password-site\n' > /etc/pam.d/passwd
