"""Facts about the operating system itself."""

from __future__ import annotations

from hardening.facts.base import Fact, HostContext, Parsed, Raw


class OsRelease(Fact):
    """``/etc/os-release``, the kernel release and the family the collector detected."""

    # kernel, host name and uid from /proc where it is there: shell built-ins, no process start-up
    command = ('cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null; echo "HF_FAMILY=$HF_FAMILY"; '
               'if read -r hf_k < /proc/sys/kernel/osrelease && read -r hf_h < /proc/sys/kernel/hostname; then '
               'echo "HF_KERNEL=$hf_k"; echo "HF_HOSTNAME=$hf_h"; '
               'else echo "HF_KERNEL=$(uname -r)"; echo "HF_HOSTNAME=$(uname -n)"; fi 2>/dev/null; '
               'hf_u=; while read -r hf_f hf_v hf_r; do [ "$hf_f" = Uid: ] && hf_u=$hf_v && break; done < /proc/self/status; '
               'echo "HF_UID=${hf_u:-$(id -u)}"')
    ok_codes = (0, 1)

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        fields: dict[str, str] = {}
        for line in raw.text().splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip().replace("_", "").isalnum():
                # os-release values may be quoted; the collector's own lines are verbatim (a host
                # name may end in a quote)
                key = key.strip()
                fields[key] = value if key.startswith("HF_") else value.strip().strip('"').strip("'")
        value = {
            "id": fields.get("ID", ""),
            "id_like": fields.get("ID_LIKE", ""),
            "version_id": fields.get("VERSION_ID", ""),
            "pretty_name": fields.get("PRETTY_NAME", ""),
            "kernel": fields.get("HF_KERNEL", ""),
            "family": fields.get("HF_FAMILY", "unknown") or "unknown",
            "hostname": fields.get("HF_HOSTNAME", ""),
            "uid": int(fields["HF_UID"]) if fields.get("HF_UID", "").isdigit() else None,
        }
        return Parsed(value, {"__note__": f"{value['pretty_name'] or value['id']} kernel {value['kernel']}"})


def context_from(value: dict | None) -> HostContext:
    if not value:
        return HostContext()
    return HostContext(family=value.get("family", "unknown"), os_id=value.get("id", ""),
                       version_id=value.get("version_id", ""))
