mkdir -p /etc/audit/rules.d
cat > /etc/audit/rules.d/50-time.rules <<'R'
-a always,exit -F arch=b64 -S adjtimex,settimeofday,clock_settime -k time-change
-a always,exit -F arch=b32 -S adjtimex -S settimeofday -S clock_settime -k time-change
-w /etc/localtime -p wa -k time-change
R
