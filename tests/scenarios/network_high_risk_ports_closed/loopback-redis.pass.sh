listen() { # a stand-in daemon: perl holding a listening socket (no package needed)
  setsid perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1], Proto => $ARGV[2], ($ARGV[2] eq "tcp" ? (Listen => 1) : ()), ReuseAddr => 1) or die "bind: $!"; sleep 600' "$1" "$2" "$3" >/dev/null 2>&1 </dev/null &
  sleep 0.3
}
# Redis-style port bound to loopback only: unreachable from the network
listen 127.0.0.1 6379 tcp
