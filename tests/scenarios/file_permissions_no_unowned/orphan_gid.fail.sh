mkdir -p /etc/oldapp && chgrp 54322 /etc/oldapp
