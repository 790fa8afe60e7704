# include = oracle_home
printf 'sqlnet.expire_time=30\n' > "$OH/network/admin/sqlnet.ora"
