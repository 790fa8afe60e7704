# include = oracle_home
chmod 755 "$OH/rdbms/log"
