"""Facts about the OpenSSH server, from its own view of its configuration."""

from __future__ import annotations

from hardening.errors import FactError
from hardening.facts.base import Fact, HostContext, Parsed, Raw

# Keywords sshd -T prints once per value; they are kept as lists.
MULTI_VALUED = {"port", "listenaddress", "hostkey", "acceptenv", "subsystem", "setenv",
                "permitlisten", "permitopen", "include", "hostcertificate", "authorizedkeysfile"}


class EffectiveConfig(Fact):
    """``sshd -T``: the effective configuration, with drop-ins, defaults and first-wins applied.

    Using the daemon's own evaluation avoids re-implementing Include and first-match rules.
    """

    command = ('if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then hf_sshd_t; hf_r=$?; '
               'cat "$HF_S/sshd_t"; [ -s "$HF_S/sshd_t.e" ] && cat "$HF_S/sshd_t.e" >&2; exit $hf_r; '
               'else echo HF_NOT_INSTALLED; fi')

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        text = raw.text()
        if text.strip() == "HF_NOT_INSTALLED":
            return Parsed({"installed": False}, {"__note__": "sshd is not installed"})
        config: dict = {"installed": True}
        sources: dict[str, str] = {}
        lines = [line for line in text.splitlines() if line.strip()]
        for line in lines:
            key, _, value = line.strip().partition(" ")
            key = key.lower()
            if not key.isalnum():
                continue
            if key in MULTI_VALUED:
                config.setdefault(key, []).append(value)
            else:
                config[key] = value
            sources[key] = f"sshd -T: {line.strip()}"
        if len(config) < 5:
            first = lines[0][:200] if lines else "no output"
            raise FactError(f"sshd -T did not report its configuration: {first}")
        return Parsed(config, sources)
