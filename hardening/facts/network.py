"""Facts about the network surface: listening sockets, the host firewall, service states, banners.

Live state is preferred (``ss``, ``nft list ruleset``, ``iptables -S``, systemd); where it cannot
be read (no ``ss``, no CAP_NET_ADMIN, no systemd) the facts fall back to what the host has on
disk (``/proc/net/*``, saved rulesets, ``*.wants`` links) and say so in ``source``.
"""

from __future__ import annotations

import ipaddress
import re

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw, q
from hardening.facts.records import split_files, strip_comment, text_lines
from hardening.facts.services import PROCESS_OF_UNIT, UNIT_DIRS

# --------------------------------------------------------------------------------------------
# Listening sockets


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _split_endpoint(text: str) -> tuple[str, int]:
    """``0.0.0.0:22``, ``[::]:22``, ``*:22``, ``127.0.0.53%lo:53``, ``[fe80::1%eth0]:123``."""
    address, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(text)
    address = address.strip("[]").split("%", 1)[0]
    if address == "*":
        address = "0.0.0.0"
    ipaddress.ip_address(address)  # ValueError for anything that is not an address
    if not 0 < int(port) < 65536:
        raise ValueError(text)
    return address, int(port)


def _proc_address(hex_text: str) -> str:
    raw = bytes.fromhex(hex_text)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    if len(raw) == 16:
        # four 32-bit words, each in the kernel's (little-endian) byte order
        return str(ipaddress.IPv6Address(b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))))
    raise ValueError(hex_text)


_SS_PROC = re.compile(r'\(\("([^"]{1,64})"')
_TCP_LISTEN, _UDP_UNCONN = "0A", "07"


class Listeners(Fact):
    """Listening TCP and bound UDP sockets (``ss -Htuln``; ``/proc/net/{tcp,udp}{,6}`` without ss).

    Each item: ``name`` ("tcp 0.0.0.0:22"), ``proto``, ``address``, ``port``, ``process`` (when
    the output names it, as ``ss -p`` does) and ``local_only`` (bound to a loopback address, so unreachable from the network).
    """

    # no ``-p``: mapping sockets to processes walks every /proc/<pid>/fd, which costs far more
    # than the listing itself on a busy database server
    command = ('if command -v ss >/dev/null 2>&1 && ss -tuln > "$HF_T/ss" 2>/dev/null; then echo "SOURCE ss"; cat "$HF_T/ss"; '
               'else echo "SOURCE proc"; for f in tcp tcp6 udp udp6; do '
               '[ -r /proc/net/$f ] && sed "s/^/$f /" /proc/net/$f; done; fi')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        lines = raw.text().splitlines()
        if not lines or not lines[0].startswith("SOURCE "):
            raise FactError("no listing of sockets was returned")
        source = lines[0].split()[1]
        items: dict[str, dict] = {}
        sources: dict[str, str] = {}
        for line in lines[1:]:
            fields = line.split()
            try:
                if source == "ss":
                    if len(fields) < 5 or fields[0] not in ("tcp", "udp"):
                        continue
                    if fields[0] == "tcp" and fields[1] != "LISTEN":
                        continue
                    address, port = _split_endpoint(fields[4])
                    match = _SS_PROC.search(line)
                    process = match.group(1) if match else ""
                    proto = fields[0]
                else:
                    if len(fields) < 5 or fields[0] not in ("tcp", "tcp6", "udp", "udp6") or ":" not in fields[2]:
                        continue
                    proto = fields[0].rstrip("6")
                    if fields[4] != (_TCP_LISTEN if proto == "tcp" else _UDP_UNCONN):
                        continue
                    hex_address, _, hex_port = fields[2].partition(":")
                    address, port, process = _proc_address(hex_address), int(hex_port, 16), ""
            except ValueError:
                continue  # a line that is not a socket: junk or a header
            shown = f"[{address}]" if ":" in address else address
            name = f"{proto} {shown}:{port}"
            item = items.setdefault(name, {"name": name, "proto": proto, "address": address, "port": port,
                                           "process": process, "local_only": _is_loopback(address)})
            if process and not item["process"]:
                item["process"] = process
            sources.setdefault(name, f"{'ss -tuln' if source == 'ss' else '/proc/net/' + fields[0]}: {' '.join(fields[:7])[:200]}")
        listeners = sorted(items.values(), key=lambda i: (i["port"], i["proto"], i["address"]))
        ports = sorted({i["port"] for i in listeners if not i["local_only"]})
        sources["__note__"] = (f"{len(listeners)} listening sockets from {source}; "
                               f"reachable ports: {', '.join(map(str, ports)) or 'none'}")
        sources["ports"] = sources["__note__"]
        return Parsed({"source": source, "listeners": listeners, "ports": ports}, sources)


# --------------------------------------------------------------------------------------------
# Host firewall

FIREWALL_UNITS = ("firewalld.service", "nftables.service", "ufw.service", "iptables.service",
                  "netfilter-persistent.service")
SAVED_RULESETS = ("/etc/nftables.conf", "/etc/sysconfig/nftables.conf", "/etc/sysconfig/iptables",
                  "/etc/iptables/rules.v4", "/etc/ufw/ufw.conf")


def nft_input_filtering(text: str) -> tuple[bool, str]:
    """Does an nft ruleset have an input-hook chain that drops by policy or holds rules?"""
    depth, chain, body, reason = 0, None, [], ""
    for raw_line in text.splitlines():
        line = strip_comment(raw_line)
        if not line:
            continue
        opens, closes = line.count("{"), line.count("}")
        if chain is None and re.match(r"^chain\s+\S+\s*\{", line):
            chain, body, start = line.split()[1], [line.split("{", 1)[1]], depth
        elif chain is not None and line not in ("}",):
            body.append(line)
        depth += opens - closes
        if chain is not None and depth <= start:
            statements = [s for part in body for s in part.split(";") if s.strip().strip("}").strip()]
            if any(re.search(r"\bhook\s+input\b", s) for s in statements):
                if any(re.search(r"\bpolicy\s+(drop|reject)\b", s) for s in statements):
                    return True, f"chain {chain}: input hook with policy drop"
                rules = [s for s in statements if not re.match(r"^\s*(type|policy|comment)\b", s.strip())]
                if rules:
                    return True, f"chain {chain}: input hook with {len(rules)} rule(s)"
                reason = f"chain {chain}: input hook accepts everything (no rules, policy accept)"
            chain = None
    return False, reason or "no input-hook chain"


def iptables_input_filtering(text: str) -> tuple[bool, str]:
    """``iptables -S`` or iptables-save text: INPUT policy DROP/REJECT or INPUT rules."""
    rules = 0
    for line in text.splitlines():
        words = line.split()
        if words[:3] in (["-P", "INPUT", "DROP"], ["-P", "INPUT", "REJECT"]) or words[:2] in (
                [":INPUT", "DROP"], [":INPUT", "REJECT"]):
            return True, "INPUT policy " + words[2 if words[0] == "-P" else 1]
        if words[:2] == ["-A", "INPUT"]:
            rules += 1
    if rules:
        return True, f"{rules} INPUT rule(s)"
    return False, "INPUT accepts everything (no rules, policy ACCEPT)"


def _block(text: str, prefix: str) -> list[str]:
    return [line[len(prefix):] for line in text.splitlines() if line.startswith(prefix)]


class Firewall(Fact):
    """Whether a host firewall filters inbound traffic, and how we know.

    The live ruleset (``nft list ruleset``, ``iptables -S``) needs CAP_NET_ADMIN; when it cannot be
    read the verdict comes from the saved configuration that is loaded at boot (an enabled
    nftables/iptables/netfilter-persistent unit with a filtering saved ruleset, ufw's
    ``ENABLED=yes``, an enabled firewalld), with ``source: saved`` and the reason.
    """

    command = (
        'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo "SOURCE systemd"; '
        f'systemctl show -p Id -p LoadState -p UnitFileState -p ActiveState {" ".join(FIREWALL_UNITS)} 2>/dev/null '
        "| sed 's/^/SHOW /'; "
        'else echo "SOURCE files"; for f in /etc/systemd/system/*.wants/*; do '
        f'case "${{f##*/}}" in {"|".join(FIREWALL_UNITS)}) [ -e "$f" ] && echo "WANTS ${{f##*/}}" ;; esac; done; '
        "hf_comms; grep -qx firewalld \"$HF_S/comm\" && echo 'PROC firewalld'; fi\n"
        'if command -v nft >/dev/null 2>&1; then nft list ruleset >"$HF_T/fw" 2>&1; echo "NFTRC $?"; '
        "sed 's/^/NFT /' \"$HF_T/fw\" | head -5000; fi\n"
        'if command -v iptables >/dev/null 2>&1; then iptables -S >"$HF_T/fw" 2>&1; echo "IPTRC $?"; '
        "sed 's/^/IPT /' \"$HF_T/fw\" | head -5000; fi\n"
        f'for f in {" ".join(SAVED_RULESETS)}; do [ -f "$f" ] && sed "s|^|CONF $f |" "$f" | head -5000; done; true'
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        lines = text.splitlines()
        if not any(line.startswith("SOURCE ") for line in lines):
            raise FactError("the firewall probe returned no service information")
        service_source = "systemd" if "SOURCE systemd" in lines else "files"
        enabled_units, active_units = set(), set()
        if service_source == "systemd":
            unit = {}
            for line in _block(text, "SHOW ") + [""]:
                if not line.strip():
                    if unit.get("LoadState") == "loaded":
                        if unit.get("UnitFileState") in ("enabled", "enabled-runtime", "static", "alias"):
                            enabled_units.add(unit.get("Id", ""))
                        if unit.get("ActiveState") == "active":
                            active_units.add(unit.get("Id", ""))
                    unit = {}
                    continue
                key, _, value = line.partition("=")
                unit[key] = value.strip()
        else:
            enabled_units = {w.strip() for w in _block(text, "WANTS ")}
            if _block(text, "PROC "):
                active_units.add("firewalld.service")
        live: list[tuple[str, bool, str]] = []  # (tool, filtering, why)
        unreadable: list[str] = []
        for tool, prefix, rc_prefix, judge in (("nft list ruleset", "NFT ", "NFTRC ", nft_input_filtering),
                                               ("iptables -S", "IPT ", "IPTRC ", iptables_input_filtering)):
            rc = _block(text, rc_prefix)
            if not rc:
                continue
            body = "\n".join(_block(text, prefix))
            if rc[0].strip() != "0":
                first = body.strip().splitlines()[0][:120] if body.strip() else f"exit status {rc[0].strip()}"
                unreadable.append(f"{tool}: {first}")
                continue
            filtering, why = judge(body)
            live.append((tool, filtering, why))
        conf: dict[str, list[str]] = {}
        for line in _block(text, "CONF "):
            path, _, content = line.partition(" ")
            conf.setdefault(path, []).append(content)
        sources: dict[str, str] = {}
        value = {"enabled": False, "via": None, "source": None, "live_readable": bool(live),
                 "units_enabled": sorted(u for u in enabled_units if u in FIREWALL_UNITS),
                 "units_active": sorted(u for u in active_units if u in FIREWALL_UNITS)}

        def decide(via: str, source: str, why: str) -> Parsed:
            value.update(enabled=True, via=via, source=source)
            sources["enabled"] = why
            sources["__note__"] = why
            return Parsed(value, sources)

        if "firewalld.service" in active_units:
            return decide("firewalld", "live", f"firewalld is running (from {service_source})")
        for tool, filtering, why in live:
            if filtering:
                return decide("nftables" if tool.startswith("nft") else "iptables", "live", f"{tool}: {why}")
        if live:
            why = "; ".join(f"{tool}: {why}" for tool, _, why in live)
            value["source"] = "live"
            sources["enabled"] = sources["__note__"] = f"no inbound filtering in the live ruleset ({why})"
            return Parsed(value, sources)
        # live ruleset unreadable or no tool: what is configured to load at boot
        reason = "; ".join(unreadable) or "neither nft nor iptables is installed"
        saved = f"saved configuration (live ruleset unreadable: {reason})"
        if "firewalld.service" in enabled_units:
            return decide("firewalld", "saved", f"firewalld.service is enabled (from {service_source}); {saved}")
        ufw = conf.get("/etc/ufw/ufw.conf", [])
        for number, line in enumerate(ufw, start=1):
            if re.match(r"^\s*ENABLED\s*=\s*[\"']?yes[\"']?\s*$", strip_comment(line), re.I):
                return decide("ufw", "saved", f"/etc/ufw/ufw.conf:{number}: {line.strip()}; {saved}")
        for path, unit_names, judge, via in (
                ("/etc/nftables.conf", ("nftables.service",), nft_input_filtering, "nftables"),
                ("/etc/sysconfig/nftables.conf", ("nftables.service",), nft_input_filtering, "nftables"),
                ("/etc/sysconfig/iptables", ("iptables.service",), iptables_input_filtering, "iptables"),
                ("/etc/iptables/rules.v4", ("netfilter-persistent.service",), iptables_input_filtering, "iptables")):
            if path not in conf:
                continue
            filtering, why = judge("\n".join(conf[path]))
            unit_on = any(u in enabled_units for u in unit_names)
            if filtering and unit_on:
                return decide(via, "saved", f"{path}: {why}, loaded at boot by {unit_names[0]}; {saved}")
            sources.setdefault("enabled", f"{path}: {why}" + ("" if unit_on else f"; {unit_names[0]} is not enabled"))
        value["source"] = "saved"
        found = sources.get("enabled", "no saved firewall configuration found")
        sources["enabled"] = sources["__note__"] = f"{found}; {saved}"
        return Parsed(value, sources)


# --------------------------------------------------------------------------------------------
# States of named units (for "unneeded services are disabled")

_UNIT_NAME = re.compile(r"^[A-Za-z0-9@_.:\\-]{1,128}\.(service|socket|timer|path)$")


class ServiceStates(Fact):
    """Enablement and activity of the named units that exist on the host (others are absent).

    ``units``: unit names; each item is ``{name, enabled, active}``, from systemd when it runs,
    else from ``*.wants`` links and the daemon's process (``source: files``).
    """

    arguments = {"units": (list, str)}

    def shell(self, args):
        units = [u for u in ([args["units"]] if isinstance(args["units"], str) else args["units"])
                 if _UNIT_NAME.match(str(u))]
        if not units:
            return 'echo "SOURCE none"'
        quoted = " ".join(q(u) for u in units)
        processes = sorted({p for u in units for p in _processes(u)})
        grep = " ".join(f"-e {q(p)}" for p in processes) or "-e HF_NO_PROCESS"
        return (
            'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then echo "SOURCE systemd"; '
            f"systemctl show -p Id -p LoadState -p UnitFileState -p ActiveState {quoted} 2>/dev/null | sed 's/^/SHOW /'; "
            'else echo "SOURCE files"; '
            f'for u in {quoted}; do for d in {UNIT_DIRS}; do [ -e "$d/$u" ] && echo "FILE $u" && break; done; '
            '[ -L "/etc/systemd/system/$u" ] && [ "/etc/systemd/system/$u" -ef /dev/null ] && echo "MASKED $u"; done; '
            f'for f in /etc/systemd/system/*.wants/* /etc/systemd/system/*.requires/*; do case "${{f##*/}}" in '
            f'{"|".join(q(u) for u in units)}) [ -e "$f" ] && echo "WANTS ${{f##*/}}" ;; esac; done; '
            f'echo PROCS; hf_comms; grep -xF {grep} "$HF_S/comm"; fi; true'
        )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        lines = text.splitlines()
        heads = [line for line in lines if line.startswith("SOURCE ")]
        if not heads:
            raise FactError("no service information was returned")
        source = heads[0].split()[1]
        items: list[dict] = []
        if source == "systemd":
            unit: dict = {}
            for line in _block(text, "SHOW ") + [""]:
                if not line.strip():
                    if unit.get("LoadState") not in (None, "not-found") and _UNIT_NAME.match(unit.get("Id", "")):
                        items.append({"name": unit["Id"], "enabled": unit.get("UnitFileState", "unknown"),
                                      "active": unit.get("ActiveState", "unknown")})
                    unit = {}
                    continue
                key, _, value = line.partition("=")
                unit[key] = value.strip()
        elif source == "files":
            files = {u.strip() for u in _block(text, "FILE ")}
            wants = {u.strip() for u in _block(text, "WANTS ")}
            masked = {u.strip() for u in _block(text, "MASKED ")}
            procs = {p.strip() for p in text.partition("\nPROCS\n")[2].splitlines()}
            for name in sorted(files | masked):
                if not _UNIT_NAME.match(name):
                    continue
                names = _processes(name)
                items.append({"name": name,
                              "enabled": "masked" if name in masked else "enabled" if name in wants else "disabled",
                              "active": "active" if any(p in procs for p in names) else "inactive"})
        sources = {i["name"]: f"{i['name']}: enabled={i['enabled']} active={i['active']} (from {source})" for i in items}
        sources["__note__"] = f"{len(items)} of the listed units exist (states from {source})"
        return Parsed({"source": source, "units": items}, sources)


def _processes(unit: str) -> tuple[str, ...]:
    if unit in PROCESS_OF_UNIT:
        return PROCESS_OF_UNIT[unit]
    stem, _, kind = unit.rpartition(".")
    if kind != "service":
        return ()
    stem = stem.split("@", 1)[0]
    return (stem, stem + "d")


# --------------------------------------------------------------------------------------------
# Login banners

_LEAKS = {"\\S": "OS name (\\S)", "\\r": "kernel release (\\r)", "\\v": "kernel version (\\v)", "\\m": "machine type (\\m)",
          "\\s": "system name (\\s)"}


class LoginBanner(Fact):
    """The pre-login banners: ``/etc/issue``, ``/etc/issue.net`` and the file sshd's ``Banner`` names.

    ``ssh_banner``: the path sshd shows (None when ``Banner none`` or sshd is absent);
    ``ssh_banner_text``: whether that file has text; ``leaks``: banner files that reveal the
    operating system (getty escapes ``\\S \\r \\v \\m \\s`` or the OS name from os-release).
    """

    # the effective Banner from sshd -T (run once per scan for this fact and sshd.EffectiveConfig)
    command = (
        "b=; if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then "
        "hf_sshd_t && while read -r hf_k hf_v; do [ \"$hf_k\" = banner ] && b=$hf_v && break; done < \"$HF_S/sshd_t\"; "
        "[ -n \"$b\" ] || b=unknown; else b=none; fi; "
        'if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then echo "SSHD $b"; else echo "SSHD absent"; fi; '
        "sed -n 's/^ID=/OSID /p;s/^NAME=/OSNAME /p' /etc/os-release 2>/dev/null; echo HF_FILES; "
        'if [ "$b" != none ] && [ "$b" != unknown ]; then hf_files /etc/issue /etc/issue.net "$b"; '
        "else hf_files /etc/issue /etc/issue.net; fi"
    )

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        head, sep, body = raw.stdout.partition(b"HF_FILES\n")
        if not sep:
            raise FactError("banner listing is malformed")
        info: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(" ")
            if key in ("SSHD", "OSID", "OSNAME"):
                info[key] = value.strip().strip('"').strip("'")
        files = dict(split_files(body))
        banner = info.get("SSHD", "absent")
        value: dict = {"sshd": banner != "absent", "ssh_banner": None, "ssh_banner_text": False, "leaks": []}
        sources: dict[str, str] = {}
        if banner not in ("absent", "none", "unknown", ""):
            value["ssh_banner"] = banner
            content = files.get(banner, b"")
            value["ssh_banner_text"] = bool(content.strip())
            sources["ssh_banner"] = f"sshd -T: banner {banner}"
            sources["ssh_banner_text"] = (f"{banner}: {len(content)} bytes" if banner in files
                                          else f"{banner} does not exist")
        elif banner == "unknown":
            del value["ssh_banner_text"]  # sshd -T failed: undecidable, the rule reports an error
            sources["ssh_banner"] = sources["ssh_banner_text"] = "sshd -T did not report its Banner setting"
        else:
            sources["ssh_banner"] = sources["ssh_banner_text"] = f"sshd -T: banner {banner}"
        words = sorted({w.lower() for w in (info.get("OSID", ""), info.get("OSNAME", "").split(" ")[0]) if len(w) >= 3})
        for path, content in files.items():
            for number, line in enumerate(text_lines(content), start=1):
                found = [label for esc, label in _LEAKS.items() if esc in line]
                found += [f"OS name {w!r}" for w in words if re.search(r"\b" + re.escape(w) + r"\b", line, re.I)]
                if found:
                    name = f"{path}:{number}"
                    value["leaks"].append({"name": name, "file": path, "reveals": found})
                    sources[name] = f"{path}:{number}: {line.strip()[:200]} ({', '.join(found)})"
        sources["__note__"] = f"read {', '.join(files) or 'no banner file'}"
        return Parsed(value, sources)
