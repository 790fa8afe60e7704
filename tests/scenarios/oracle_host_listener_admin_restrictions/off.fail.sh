# include = oracle_home
sed -i 's/ADMIN_RESTRICTIONS_LISTENER = ON/ADMIN_RESTRICTIONS_LISTENER = OFF/' "$OH/network/admin/listener.ora"
