# sudo logs to syslog by default
:
