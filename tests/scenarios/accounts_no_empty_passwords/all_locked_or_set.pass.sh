useradd -m alice && echo 'alice:Str0ng-Passw0rd' | chpasswd
