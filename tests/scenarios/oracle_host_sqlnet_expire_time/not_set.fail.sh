# include = oracle_home
printf '# SQLNET.EXPIRE_TIME = 10\nNAMES.DIRECTORY_PATH = (TNSNAMES)\r\n' > "$OH/network/admin/sqlnet.ora"
