# include = oracle_home
rm -rf /u01 /etc/oratab
