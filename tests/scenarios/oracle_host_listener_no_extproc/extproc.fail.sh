# include = oracle_home
cat >> "$OH/network/admin/listener.ora" <<'ORA'
SID_LIST_LISTENER =
  (SID_LIST =
    (SID_DESC = (SID_NAME = PLSExtProc)(ORACLE_HOME = /u01/app/oracle/product/19.0.0/dbhome_1)(PROGRAM = extproc)))
ORA
