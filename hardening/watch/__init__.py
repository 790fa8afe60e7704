"""The integrity watcher: a signed baseline of files and system objects, compared in real time
(inotify) and periodically, with hash-chained events sent to alerts and the history database.

One job per module:

- ``policy``    what to watch (YAML), which attributes, include/exclude, growing logs
- ``snapshot``  walk the paths of a policy, stat and hash files in parallel
- ``system``    systemd units, kernel modules, users, groups, sudoers, crontabs, listening ports
- ``compare``   baseline entry vs observed entry → change records
- ``signing``   the Ed25519 key pair, signatures and fingerprints
- ``baseline``  the signed baseline file (JSON lines, sorted by path)
- ``eventlog``  the append-only hash-chained event log with a signed head
- ``alerts``    JSON lines file, syslog, webhook (background, retry, backoff), history database
- ``engine``    init / check / accept on a state directory (shared by the CLI and the daemon)
- ``daemon``    the inotify loop with periodic full rescans
- ``service``   the systemd unit
"""

DEFAULT_STATE_DIR = "/var/lib/hardening/watch"
