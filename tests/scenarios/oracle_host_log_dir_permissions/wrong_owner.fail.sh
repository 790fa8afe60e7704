# include = oracle_home
chown root:root "$OH/network/log"
