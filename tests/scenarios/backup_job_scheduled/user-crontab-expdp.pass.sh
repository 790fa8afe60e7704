mkdir -p /var/spool/cron/crontabs
printf 'ORACLE_SID=orcl\n0 2 * * 0 expdp system/x directory=DUMP full=y dumpfile=full.dmp\n' > /var/spool/cron/crontabs/root
chmod 600 /var/spool/cron/crontabs/root
