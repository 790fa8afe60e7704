"""The systemd unit for ``hardening watch run``."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

UNIT_NAME = "hardening-watch.service"


def unit_text(args: list[str]) -> str:
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "hardening", "watch", "run", *args])
    return f"""[Unit]
Description=hardening integrity watcher (signed baseline, inotify + periodic rescan)
Documentation=file://{Path(__file__).resolve().parents[2] / 'docs' / 'watch.md'}
After=local-fs.target
# exit status 2 means "baseline not trusted" or bad input: restarting would not help, a person must look

[Service]
Type=simple
ExecStart={command}
ExecReload=/bin/kill -HUP $MAINPID
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=5
RestartPreventExitStatus=2
# low priority: hashing must not compete with the services being watched
Nice=10
IOSchedulingClass=idle
CPUWeight=20
MemoryMax=1G
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=read-only
ProtectSystem=full
ReadWritePaths=-/var/lib/hardening -/var/log -/proc/sys/fs/inotify
UMask=0077

[Install]
WantedBy=multi-user.target
"""


def install(unit_dir: Path, args: list[str], enable: bool) -> list[str]:
    """Write the unit; enable and start it when systemd runs this machine. Returns what was done."""
    unit_dir.mkdir(parents=True, exist_ok=True)
    path = unit_dir / UNIT_NAME
    path.write_text(unit_text(args), encoding="utf-8")
    os.chmod(path, 0o644)
    done = [f"wrote {path}"]
    if not enable:
        return done
    if not (os.path.isdir("/run/systemd/system") and shutil.which("systemctl")):
        done.append("systemd is not running here: enable it later with "
                    f"`systemctl daemon-reload && systemctl enable --now {UNIT_NAME}`")
        return done
    for cmd in (["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", UNIT_NAME]):
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            done.append(f"`{' '.join(cmd)}` failed: {result.stderr.strip()}")
            return done
        done.append(f"ran `{' '.join(cmd)}`")
    return done
