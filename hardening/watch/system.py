"""System objects watched beside files: systemd units, loaded kernel modules ("drivers"), local
users and groups, sudoers rules, cron jobs and listening ports.

Each collector returns ``{key: attributes}``; keys start with ``@kind:`` so they never collide
with file paths and are compared exactly like files. ``root`` reads another system image
(accounts, units, sudoers, crontabs under that folder; ``/proc`` under it too).
Password hashes never leave this module: only their kind and a digest of the hash are kept.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import struct
import subprocess

from hardening.watch.snapshot import Problems

TCP_STATES_LISTEN = "0A"
UDP_STATE_UNCONNECTED = "07"
SOURCES = ("/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d",
           "/etc/crontab", "/etc/cron.d", "/var/spool/cron", "/etc/systemd/system", "/usr/lib/systemd/system",
           "/lib/systemd/system")


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _j(root: str, path: str) -> str:
    return os.path.join(root, path.lstrip("/")) if root != "/" else path


def users(root: str = "/") -> dict:
    out = {}
    text = _read(_j(root, "/etc/passwd")) or ""
    for line in text.splitlines():
        f = line.split(":")
        if len(f) >= 7 and f[0] and not line.startswith("#"):
            out[f"@user:{f[0]}"] = {"uid": f[2], "gid": f[3], "gecos": f[4], "home": f[5], "shell": f[6]}
    shadow = _read(_j(root, "/etc/shadow"))
    for line in (shadow or "").splitlines():
        f = line.split(":")
        key = f"@user:{f[0]}"
        if len(f) >= 8 and key in out:
            pw = f[1]
            kind = ("empty" if pw == "" else "locked" if pw.startswith(("!", "*")) else
                    pw.split("$")[1] if pw.startswith("$") and pw.count("$") >= 2 else "other")
            out[key].update(password=kind, password_digest=hashlib.sha256(pw.encode("utf-8", "surrogateescape")).hexdigest()[:16],
                            last_change=f[2], min_days=f[3], max_days=f[4], warn_days=f[5], inactive=f[6], expire=f[7])
    return out


def groups(root: str = "/") -> dict:
    out = {}
    for line in (_read(_j(root, "/etc/group")) or "").splitlines():
        f = line.split(":")
        if len(f) >= 4 and f[0] and not line.startswith("#"):
            out[f"@group:{f[0]}"] = {"gid": f[2], "members": ",".join(sorted(m for m in f[3].split(",") if m))}
    return out


def _rule_lines(text: str) -> list[str]:
    """Meaningful lines: comments and blanks dropped, continuations joined, spaces normalised."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        line = (current + line).strip()
        current = ""
        if line and (not line.startswith("#") or line.startswith(("#include", "#includedir"))):
            lines.append(" ".join(line.split()))
    return lines


def sudoers(root: str = "/") -> dict:
    out = {}
    files = [_j(root, "/etc/sudoers")] + sorted(glob.glob(_j(root, "/etc/sudoers.d/*")))
    for path in files:
        text = _read(path)
        if text is None:
            continue
        rel = "/" + os.path.relpath(path, root) if root != "/" else path
        for line in _rule_lines(text):
            if line.startswith("Defaults") or "=" in line or line.startswith(("@include", "#include")):
                out[f"@sudoers:{rel}: {line}"] = {"file": rel}
    return out


def crontabs(root: str = "/") -> dict:
    out = {}
    files = [_j(root, "/etc/crontab")] + sorted(glob.glob(_j(root, "/etc/cron.d/*"))) \
        + sorted(glob.glob(_j(root, "/var/spool/cron/crontabs/*"))) + sorted(glob.glob(_j(root, "/var/spool/cron/*")))
    for path in files:
        if os.path.isdir(path):
            continue
        text = _read(path)
        if text is None:
            continue
        rel = "/" + os.path.relpath(path, root) if root != "/" else path
        for line in _rule_lines(text):
            out[f"@cron:{rel}: {line}"] = {"file": rel}
    return out


def modules(root: str = "/") -> dict:
    out = {}
    for line in (_read(_j(root, "/proc/modules")) or "").splitlines():
        f = line.split()
        if len(f) >= 3:
            out[f"@module:{f[0]}"] = {"size": f[1], "depends": f[3].strip(",-") if len(f) > 3 else ""}
    return out


def _socket_owners(root: str) -> dict[str, str]:
    """socket inode → process name, for the listening sockets (best effort, needs root)."""
    owners = {}
    proc = _j(root, "/proc")
    for pid in os.listdir(proc) if os.path.isdir(proc) else ():
        if not pid.isdigit():
            continue
        try:
            fds = os.listdir(f"{proc}/{pid}/fd")
            comm = (_read(f"{proc}/{pid}/comm") or "?").strip()
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"{proc}/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                owners.setdefault(target[8:-1], comm)
    return owners


def _address(hex_addr: str, v6: bool) -> str:
    addr, port = hex_addr.split(":")
    raw = bytes.fromhex(addr)
    if v6:
        raw = b"".join(struct.pack("<I", struct.unpack(">I", raw[i:i + 4])[0]) for i in range(0, 16, 4))
        return f"[{socket.inet_ntop(socket.AF_INET6, raw)}]:{int(port, 16)}"
    return f"{socket.inet_ntop(socket.AF_INET, raw[::-1])}:{int(port, 16)}"


def ports(root: str = "/") -> dict:
    found = {}
    inodes = {}
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        text = _read(_j(root, f"/proc/net/{proto}"))
        for line in (text or "").splitlines()[1:]:
            f = line.split()
            if len(f) < 10:
                continue
            state = f[3]
            if proto.startswith("tcp") and state != TCP_STATES_LISTEN:
                continue
            if proto.startswith("udp") and (state != UDP_STATE_UNCONNECTED or not f[2].endswith(":0000")):
                continue
            key = f"@port:{proto.rstrip('6')}/{_address(f[1], proto.endswith('6'))}"
            found[key] = {"uid": f[7]}
            inodes[key] = f[9]
    if found:
        owners = _socket_owners(root)
        for key, inode in inodes.items():
            found[key]["process"] = owners.get(inode, "?")
    return found


def units(root: str = "/") -> dict:
    """Unit files with their enablement (and active state when systemd runs this system)."""
    out = {}
    if root == "/" and os.path.isdir("/run/systemd/system") and shutil.which("systemctl"):
        try:
            files = subprocess.run(["systemctl", "list-unit-files", "--no-legend", "--no-pager", "--plain"],
                                   capture_output=True, text=True, timeout=30).stdout
            active = subprocess.run(["systemctl", "list-units", "--all", "--no-legend", "--no-pager", "--plain"],
                                    capture_output=True, text=True, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            files = active = ""
        for line in files.splitlines():
            f = line.split()
            if len(f) >= 2:
                out[f"@unit:{f[0]}"] = {"enabled": f[1], "state": "inactive"}
        for line in active.splitlines():
            f = line.split()
            if len(f) >= 4 and f"@unit:{f[0]}" in out:
                out[f"@unit:{f[0]}"]["state"] = f"{f[2]}/{f[3]}"
        if out:
            return out
    # systemd not running (container, image, rescue): enablement from the .wants/.requires links
    for d in ("/usr/lib/systemd/system", "/lib/systemd/system", "/etc/systemd/system"):
        for path in glob.glob(_j(root, d) + "/*"):
            name = os.path.basename(path)
            if "." in name and not name.endswith((".wants", ".requires", ".d")):
                masked = os.path.islink(path) and os.readlink(path) == "/dev/null"
                out[f"@unit:{name}"] = {"enabled": "masked" if masked else "disabled", "state": "unknown"}
    for link in glob.glob(_j(root, "/etc/systemd/system") + "/*.wants/*") + \
            glob.glob(_j(root, "/etc/systemd/system") + "/*.requires/*"):
        name = os.path.basename(link)
        if f"@unit:{name}" in out and out[f"@unit:{name}"]["enabled"] != "masked":
            out[f"@unit:{name}"]["enabled"] = "enabled"
    return out


COLLECTORS = {"units": units, "modules": modules, "users": users, "groups": groups, "sudoers": sudoers,
              "crontabs": crontabs, "ports": ports}


def collect(config: dict, problems: Problems) -> dict:
    """All enabled system objects; a collector that fails is reported, the others still run."""
    root = config.get("root", "/")
    out = {}
    for kind, collector in COLLECTORS.items():
        if not config.get(kind, False):
            continue
        try:
            out.update(collector(root))
        except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
            problems.add(f"@{kind}", f"cannot collect: {type(exc).__name__}: {exc}")
    return out


def kind_of(key: str) -> str:
    return key[1:].split(":", 1)[0]
