# a parent that never reaps its child: the child stays a zombie
setsid sh -c 'sleep 0.1 & exec sleep 600' >/dev/null 2>&1 </dev/null &
sleep 0.5
