"""Oracle Database scanning: one session per database, SQL facts, offline SQL*Plus collector.

- ``target``   parse ``oracle://user@host:port/service`` targets and ``databases:`` inventory entries
- ``session``  python-oracledb connection (thin by default, thick with an Instant Client), error mapping
- ``collect``  which queries a plan needs, running them in one session, results -> Raw -> findings
- ``sqlplus``  the offline SQL*Plus script and the parser of its output
- ``account``  the least-privilege audit account script
"""
