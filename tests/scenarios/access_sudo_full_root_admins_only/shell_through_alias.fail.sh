# a shell is as good as ALL, here hidden behind a Cmnd_Alias and a User_Alias, with a continuation line
printf 'Cmnd_Alias ROOTSHELL = /usr/bin/bash, \\\n    /usr/bin/su\nUser_Alias OPS = olga, oscar\nOPS ALL = (root) ROOTSHELL\n' > /etc/sudoers.d/ops
chmod 0440 /etc/sudoers.d/ops
