sed -i 's/pam_unix.so obscure yescrypt/pam_unix.so obscure yescrypt remember=6/' /etc/pam.d/common-password
