# A database host with one Oracle home (files only: no server runs here); OH is its path.
OH=/u01/app/oracle/product/19.0.0/dbhome_1
getent group oinstall >/dev/null || groupadd oinstall
id oracle >/dev/null 2>&1 || useradd -M -g oinstall -s /bin/bash oracle
mkdir -p "$OH/network/admin" "$OH/rdbms/log" "$OH/log" "$OH/network/log"
echo "ORCL:$OH:N" > /etc/oratab
chown -R oracle:oinstall /u01 && chmod 750 "$OH/rdbms/log" "$OH/log" "$OH/network/log"
cat > "$OH/network/admin/listener.ora" <<EOF
LISTENER =
  (DESCRIPTION_LIST =
    (DESCRIPTION = (ADDRESS = (PROTOCOL = TCP)(HOST = db1)(PORT = 1521))))
ADMIN_RESTRICTIONS_LISTENER = ON
EOF
printf "SQLNET.EXPIRE_TIME = 10\n" > "$OH/network/admin/sqlnet.ora"
