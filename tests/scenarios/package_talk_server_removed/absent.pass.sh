! dpkg-query -W talkd inetutils-talkd talk-server ytalk >/dev/null 2>&1
