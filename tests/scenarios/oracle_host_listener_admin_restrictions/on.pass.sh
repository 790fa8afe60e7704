# include = oracle_home
