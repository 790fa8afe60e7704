# include = chronyd_running
# a stand-in chronyc answering as a chronyd that cannot reach its source
cat > /usr/local/bin/chronyc <<'OUT'
#!/bin/sh
cat <<'T'
Reference ID    : 00000000 ()
Stratum         : 0
Ref time (UTC)  : Thu Jan 01 00:00:00 1970
Leap status     : Not synchronised
T
OUT
chmod 755 /usr/local/bin/chronyc
