# include = oracle_home
sed -i '/ADMIN_RESTRICTIONS/d' "$OH/network/admin/listener.ora"
