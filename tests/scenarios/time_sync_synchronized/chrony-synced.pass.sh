# include = chronyd_running
# a stand-in chronyc answering as a synchronised chronyd would
cat > /usr/local/bin/chronyc <<'OUT'
#!/bin/sh
cat <<'T'
Reference ID    : 0A0A0001 (10.10.0.1)
Stratum         : 3
Ref time (UTC)  : Fri Nov 27 17:00:00 2026
System time     : 0.000012 seconds fast of NTP time
Last offset     : +0.000003 seconds
Leap status     : Normal
T
OUT
chmod 755 /usr/local/bin/chronyc
