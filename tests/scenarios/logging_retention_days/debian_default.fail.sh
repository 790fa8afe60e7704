# include = debian_logrotate
