mkdir -p /etc/audit/rules.d
printf -- '-a always,exit -F arch=b32 -S adjtimex,settimeofday,clock_settime -k time-change\n-w /etc/localtime -p wa -k time-change\n' > /etc/audit/rules.d/50-time.rules
