# a name with a newline, quotes and spaces must neither break parsing nor hide the file
f="$(printf '/usr/local/bin/evil\nname "quoted" it'"'"'s')"
printf '#!/bin/sh\n' > "$f" && chmod 0777 "$f"
