# params = disk_usage_max_percent=1
# any real file system is above 1%
