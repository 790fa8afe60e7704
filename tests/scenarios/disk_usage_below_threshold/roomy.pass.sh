# params = disk_usage_max_percent=99
# the build host is far from full
