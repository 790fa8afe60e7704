#!/bin/sh
# A database host without the database: /etc/oratab, an Oracle home with its network/admin files
# and log directories (the OS-side Oracle checks need no running server).
set -e
getent group oinstall >/dev/null || groupadd oinstall
id oracle >/dev/null 2>&1 || useradd -g oinstall -M -d /home/oracle oracle
H=/u01/app/oracle/product/19.0.0/dbhome_1
mkdir -p "$H/network/admin" "$H/rdbms/log" "$H/log"
echo "ORCL:$H:Y" > /etc/oratab
chown -R oracle:oinstall /u01
chmod 750 "$H/rdbms/log" "$H/log"
cat > "$H/network/admin/sqlnet.ora" <<'ORA'
SQLNET.EXPIRE_TIME = 10
NAMES.DIRECTORY_PATH = (TNSNAMES, EZCONNECT)
ORA
cat > "$H/network/admin/listener.ora" <<'ORA'
LISTENER =
  (DESCRIPTION_LIST =
    (DESCRIPTION =
      (ADDRESS = (PROTOCOL = TCP)(HOST = 0.0.0.0)(PORT = 1521))
    )
  )
ADMIN_RESTRICTIONS_LISTENER = ON
ORA
