"""Facts about PAM: the effective password, lockout, history and su stacks.

The stacks are rebuilt the way libpam builds them: ``/etc/pam.d/<service>`` (else
``/usr/lib/pam.d/<service>``, else ``other``), comments from the first ``#``, backslash
continuations, ``[value=action ...]`` controls, ``-type`` lines that are skipped when the
module is missing, and ``include`` / ``substack`` (same type) and ``@include`` (all types),
nested. A stack that includes a file that does not exist makes libpam fail that stack, so the
fact reports an error with the reason instead of a verdict. Module arguments override the
module's configuration file (``pwquality.conf`` + ``pwquality.conf.d/*.conf``,
``faillock.conf``, ``pwhistory.conf``), as the modules do.

Collection reads every file with ONE ``awk`` (a few ms for a whole ``/etc/pam.d``): each
output line is tagged, so a file's content can never pass for a file header.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from hardening.errors import FactError
from hardening.facts.records import joined_lines
from hardening.facts.base import Fact, HostContext, Parsed, Raw
from hardening.facts.files import glob_quote

PAM_DIRS = ("/etc/pam.d", "/usr/lib/pam.d")
MODULE_DIRS = ("/lib/security /lib64/security /usr/lib/security /usr/lib64/security "
               "/lib/*-linux-gnu*/security /usr/lib/*-linux-gnu*/security")
PAM_FILES = ["/etc/pam.d/*", "/usr/lib/pam.d/*", "/etc/security/pwquality.conf",
             "/etc/security/pwquality.conf.d/*.conf", "/etc/security/faillock.conf",
             "/etc/security/pwhistory.conf"]
MAX_DEPTH = 16  # libpam's PAM_SUBSTACK_MAX_LEVEL
PHASES = ("auth", "account", "password", "session")
_SAFE_NAME = re.compile(r"^/[^\x00-\x1f\x7f]*$")


# ------------------------------------------------------------------------------ collection
def text_files_command(patterns: list[str], extra: str = "") -> str:
    """Shell that prints ``N <path>`` for every regular file matched, then ``F <path>`` and
    ``L <line>`` for the content of each non-empty one (one awk process for all files).
    ``extra`` is more shell whose lines must carry their own tags."""
    globs = " ".join(glob_quote(p) for p in patterns)
    return (f'set --; for hf_p in {globs}; do [ -f "$hf_p" ] && set -- "$@" "$hf_p"; done\n'
            'for hf_p in "$@"; do printf \'N %s\\n\' "$hf_p"; done\n'
            '[ $# -eq 0 ] || awk \'{ if (FNR == 1) print "F " FILENAME; print "L " $0 }\' "$@"\n'
            + extra)


@dataclass
class TextFiles:
    files: dict[str, list[str]] = field(default_factory=dict)  # path -> lines (no line ends)
    tagged: dict[str, list[str]] = field(default_factory=dict)  # other tag -> its lines

    def has(self, path: str) -> bool:
        return path in self.files

    def glob(self, directory: str, suffix: str = "") -> list[str]:
        prefix = directory.rstrip("/") + "/"
        return sorted(p for p in self.files if p.startswith(prefix) and "/" not in p[len(prefix):]
                      and p.endswith(suffix))


def parse_text_files(raw: Raw) -> TextFiles:
    """Read the tagged stream of :func:`text_files_command`; junk lines raise FactError."""
    result = TextFiles()
    current: list[str] | None = None
    for number, line in enumerate(raw.text().split("\n"), start=1):
        if not line:
            continue
        tag, _, rest = line.partition(" ")
        if tag == "N":
            if not _SAFE_NAME.match(rest):
                raise FactError(f"unexpected file name in output line {number}: {rest[:80]!r}")
            result.files.setdefault(rest, [])
        elif tag == "F":
            if rest not in result.files:
                raise FactError(f"content for a file that was not listed: {rest[:80]!r}")
            current = result.files[rest] = []  # a file read twice (listed twice) keeps one copy
        elif tag == "L":
            if current is None:
                raise FactError(f"output line {number} has content before any file header")
            current.append(rest.rstrip("\r"))
        elif len(tag) > 1 and tag.isupper() and tag.isalpha():
            result.tagged.setdefault(tag, []).append(rest)
        else:
            raise FactError(f"unexpected output line {number}: {line[:80]!r}")
    return result


# ------------------------------------------------------------------------------ parsing
@dataclass
class PamLine:
    file: str
    number: int
    type: str  # auth | account | password | session | @include
    control: str | dict  # keyword, or {value: action} for the bracket syntax
    path: str  # module path, or the included file for include/substack/@include
    args: list[str]
    dash: bool
    text: str

    @property
    def module(self) -> str:
        base = self.path.rsplit("/", 1)[-1]
        return base[:-3] if base.endswith(".so") else base

    @property
    def where(self) -> str:
        return f"{self.file}:{self.number}: {self.text}"

    def arg(self, name: str) -> str | None:
        """Value of ``name=value`` (the last one wins, as the modules parse argv in order)."""
        found = None
        for arg in self.args:
            key, sep, value = arg.partition("=")
            if sep and key == name:
                found = value
        return found

    def flag(self, name: str) -> bool:
        return name in self.args

    def enforcing(self) -> bool:
        """A failure of this module makes the stack fail (not optional / sufficient)."""
        if isinstance(self.control, dict):
            return self.control.get("default", "ignore") in ("bad", "die") or \
                self.control.get("auth_err", "") in ("bad", "die")
        return self.control in ("required", "requisite")


def _tokens(text: str) -> list[str]:
    """Split on white space, keeping ``[ ... ]`` groups (controls or bracketed args) whole."""
    tokens, pos = [], 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        if text[pos] == "[":
            end = pos + 1
            while end < len(text) and text[end] != "]":
                end += 2 if text[end] == "\\" else 1
            tokens.append(text[pos:end + 1])
            pos = end + 1
        else:
            end = pos
            while end < len(text) and not text[end].isspace():
                end += 1
            tokens.append(text[pos:end])
            pos = end
    return tokens


def _control(token: str) -> str | dict:
    if not token.startswith("["):
        return token.lower()
    pairs = {}
    for item in token.strip("[]").split():
        value, _, action = item.partition("=")
        pairs[value.lower()] = action.lower()
    return pairs


def logical_lines(lines: list[str]) -> list[tuple[int, str]]:
    """Physical lines joined the way libpam does: cut at ``#``, then join ``\\``-continued lines."""
    return joined_lines(lines, lambda line, first: line.split("#", 1)[0])


def parse_pam_file(name: str, lines: list[str]) -> list[PamLine]:
    entries = []
    for number, text in logical_lines(lines):
        tokens = _tokens(text)
        first = tokens[0].lower()
        if first == "@include":
            if len(tokens) < 2:
                continue
            entries.append(PamLine(name, number, "@include", "include", tokens[1], [], False, text))
            continue
        dash = first.startswith("-")
        kind = first.lstrip("-")
        if kind not in PHASES or len(tokens) < 3:
            continue  # libpam ignores (and logs) lines it cannot parse
        entries.append(PamLine(name, number, kind, _control(tokens[1]), tokens[2], tokens[3:], dash, text))
    return entries


class PamError(Exception):
    pass


class PamTree:
    """All PAM files of a host, with libpam's lookup and include rules."""

    def __init__(self, files: TextFiles):
        self.files = files
        self.modules = set(files.tagged.get("MOD", []))
        self.parsed: dict[str, list[PamLine]] = {}

    def module_installed(self, path: str) -> bool | None:
        """Whether the module file exists; None when the module folders could not be listed."""
        if not self.modules:
            return None
        if path.startswith("/"):
            return path in self.modules or not any(path.startswith(d) for d in ("/lib", "/usr/lib"))
        base = path.rsplit("/", 1)[-1]
        return any(m.rsplit("/", 1)[-1] == base for m in self.modules)

    def lookup(self, name: str) -> str | None:
        if name.startswith("/"):
            return name if self.files.has(name) else None
        for directory in PAM_DIRS:
            if self.files.has(f"{directory}/{name}"):
                return f"{directory}/{name}"
        return None

    def service_file(self, service: str) -> str:
        found = self.lookup(service) or self.lookup("other")
        if found is None:
            raise PamError(f"neither /etc/pam.d/{service} nor /etc/pam.d/other exists")
        return found

    def entries(self, path: str) -> list[PamLine]:
        if path not in self.parsed:
            self.parsed[path] = parse_pam_file(path, self.files.files[path])
        return self.parsed[path]

    def stack(self, service: str, phase: str) -> list[PamLine]:
        """The module lines of ``phase`` for ``service`` in execution order (includes expanded,
        ``-type`` lines whose module is missing dropped)."""
        return self._expand(self.service_file(service), phase, [])

    def _expand(self, path: str, phase: str, chain: list[str]) -> list[PamLine]:
        if len(chain) > MAX_DEPTH or path in chain:
            raise PamError(f"include loop or nesting deeper than {MAX_DEPTH}: {' -> '.join(chain + [path])}")
        result = []
        for line in self.entries(path):
            if line.type == "@include" or (line.type == phase and line.control in ("include", "substack")):
                target = self.lookup(line.path)
                if target is None:
                    raise PamError(f"{line.where} includes {line.path}, which does not exist "
                                   f"(libpam fails the {phase} stack)")
                result.extend(self._expand(target, phase, chain + [path]))
            elif line.type == phase:
                if line.dash and self.module_installed(line.path) is False:
                    continue
                result.append(line)
        return result

    def managed_by(self, path: str) -> str | None:
        text = "\n".join(self.files.files.get(path, [])[:8]).lower()
        if "generated by authselect" in text:
            return "authselect"
        if "authconfig" in text:
            return "authconfig"
        if "pam-auth-update" in text:
            return "pam-auth-update"
        return None


def read_tree(raw: Raw) -> PamTree:
    return _tree_of(raw.stdout)


@functools.lru_cache(maxsize=8)
def _tree_of(stdout: bytes) -> PamTree:
    """Five facts judge the same PAM output (the collector runs their shared command once), and
    a fleet's hosts often have identical stacks: each distinct output is parsed once."""
    files = parse_text_files(Raw(stdout))
    if not any(p.startswith(PAM_DIRS) for p in files.files):
        raise FactError("no PAM configuration found in /etc/pam.d or /usr/lib/pam.d")
    return PamTree(files)


def read_settings(tree: PamTree, paths: list[str], flags: set[str]) -> tuple[dict, dict]:
    """``key = value`` / flag files in order, last wins (pwquality.conf, faillock.conf, ...)."""
    values, sources = {}, {}
    for path in paths:
        for number, line in enumerate(tree.files.files.get(path, []), start=1):
            setting = line.split("#", 1)[0].strip()
            if not setting:
                continue
            key, sep, value = setting.partition("=")
            key = key.strip().lower()
            if not sep:
                key = setting.split()[0].lower()
                value = "1" if key in flags else ""
            values[key] = value.strip()
            sources[key] = f"{path}:{number}: {line.strip()}"
    return values, sources


def _int(value, default=None):
    if value is None:
        return default
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[-+]?\d{1,9}", text) else default


PAM_COMMAND = text_files_command(
    PAM_FILES,
    f'for hf_p in {MODULE_DIRS}; do [ -d "$hf_p" ] || continue; '
    'for hf_m in "$hf_p"/pam_*.so; do [ -e "$hf_m" ] && printf \'MOD %s\\n\' "$hf_m"; done; done\n'
    'for hf_m in /bin/su /usr/bin/su; do [ -x "$hf_m" ] && printf \'BIN %s\\n\' "$hf_m"; done\n'
    ':')


class _PamFact(Fact):
    command = PAM_COMMAND

    def parse(self, raw: Raw, args: dict, ctx: HostContext) -> Parsed:
        tree = read_tree(raw)
        try:
            return self.judge(tree, ctx)
        except PamError as exc:
            raise FactError(str(exc)) from None

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        raise NotImplementedError


# ------------------------------------------------------------------------------ facts
PWQ_KEYS = ("minlen", "dcredit", "ucredit", "lcredit", "ocredit", "minclass", "retry", "enforcing")


class Pwquality(_PamFact):
    """Password complexity as enforced when a password is changed (the ``passwd`` service's
    password stack): pam_pwquality (its args over pwquality.conf + .conf.d) or pam_cracklib."""

    SERVICE = "passwd"

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        stack = tree.stack(self.SERVICE, "password")
        lines = [l for l in stack if l.module in ("pam_pwquality", "pam_cracklib")]
        service_file = tree.service_file(self.SERVICE)
        value = {**{k: None for k in PWQ_KEYS}, "service": self.SERVICE, "configured": bool(lines),
                 "module": None, "installed": None, "enforcing": False, "before_pam_unix": False,
                 "min_length": None, "classes_required": None, "enforce_for_root": False, "effective": False,
                 "managed_by": tree.managed_by(service_file)}
        sources = {"__note__": f"password stack of {service_file}: "
                               + (", ".join(f"{l.module}" for l in stack) or "empty")}
        if not lines:
            sources["configured"] = f"no pam_pwquality or pam_cracklib in the password stack of {service_file}"
            found = [tree.module_installed(m) for m in ("pam_pwquality.so", "pam_cracklib.so")]
            value["installed"] = None if None in found else any(found)
            sources["installed"] = ("pam_pwquality.so/pam_cracklib.so " +
                                    ("installed but not used" if value["installed"] else "not installed"))
            return Parsed(value, sources)
        line = lines[0]
        unix_at = next((i for i, l in enumerate(stack) if l.module == "pam_unix"), len(stack))
        value.update(module=line.module, installed=tree.module_installed(line.path),
                     before_pam_unix=stack.index(line) < unix_at)
        for key in ("configured", "module", "installed", "before_pam_unix"):
            sources[key] = line.where
        if line.module == "pam_pwquality":
            old = ctx.family == "rhel" and ctx.version_id.split(".")[0] in ("6", "7")
            settings = {"minlen": 9 if old else 8, **{c: 1 if old else 0 for c in ("dcredit", "ucredit", "lcredit", "ocredit")},
                        "minclass": 0, "enforcing": 1, "retry": 1}
            conf_files = ["/etc/security/pwquality.conf"] + tree.files.glob("/etc/security/pwquality.conf.d", ".conf")
            conf, conf_sources = read_settings(tree, conf_files, {"enforce_for_root", "local_users_only"})
            for key, text in conf.items():
                if key in settings and _int(text) is not None:
                    settings[key] = _int(text)
                    sources[key] = conf_sources[key]
            root = "enforce_for_root" in conf
            if root:
                sources["enforce_for_root"] = conf_sources["enforce_for_root"]
        else:  # pam_cracklib reads no file; its compiled defaults
            settings = {"minlen": 9, "dcredit": 1, "ucredit": 1, "lcredit": 1, "ocredit": 1, "minclass": 0,
                        "enforcing": 1, "retry": 1}
            root = False
        for key in settings:
            arg = line.arg(key)
            if arg is not None and _int(arg) is not None:
                settings[key] = _int(arg)
                sources[key] = line.where
        if line.flag("enforce_for_root"):
            root = True
            sources["enforce_for_root"] = line.where
        if settings["minlen"] < 6:  # libpwquality raises anything lower to 6
            settings["minlen"] = 6
        credits = [settings[c] for c in ("dcredit", "ucredit", "lcredit", "ocredit")]
        value.update(settings)
        value["min_length"] = max(settings["minlen"] - sum(c for c in credits if c > 0), 1)
        value["classes_required"] = min(max(min(settings["minclass"], 4), sum(1 for c in credits if c < 0)), 4)
        value["enforce_for_root"] = root
        value["enforcing"] = line.enforcing() and settings["enforcing"] != 0
        sources["min_length"] = (f"minlen={settings['minlen']} minus positive credits "
                                 f"d/u/l/o={credits} ({sources.get('minlen', 'default')})")
        sources["classes_required"] = (f"minclass={settings['minclass']}, negative credits "
                                       f"d/u/l/o={credits} ({sources.get('minclass', 'default')})")
        sources.setdefault("enforcing", line.where)
        value["effective"] = bool(value["enforcing"] and value["installed"] is not False and value["before_pam_unix"])
        sources["effective"] = (f"{line.where} (enforcing={value['enforcing']}, module installed={value['installed']}, "
                                f"before pam_unix={value['before_pam_unix']})")
        managed = tree.managed_by(service_file) or next(
            (tree.managed_by(p) for p in sorted({l.file for l in stack}) if tree.managed_by(p)), None)
        value["managed_by"] = managed
        return Parsed(value, sources)


class Pwhistory(_PamFact):
    """Password reuse history in the ``passwd`` password stack: pam_pwhistory ``remember``
    (args over pwhistory.conf, default 10) or pam_unix ``remember=``; the larger one applies."""

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        stack = tree.stack("passwd", "password")
        value = {"configured": False, "remember": None, "module": None, "enforce_for_root": False}
        sources = {"__note__": f"password stack of {tree.service_file('passwd')}: "
                               + (", ".join(l.module for l in stack) or "empty")}
        conf, conf_sources = read_settings(tree, ["/etc/security/pwhistory.conf"], {"enforce_for_root", "debug"})
        unix_at = next((i for i, l in enumerate(stack) if l.module == "pam_unix"), len(stack))
        for line in stack:
            remember = None
            if line.module == "pam_pwhistory":
                remember, where = _int(conf.get("remember"), 10), conf_sources.get("remember", line.where)
                if line.arg("remember") is not None:
                    remember, where = _int(line.arg("remember"), 0), line.where
                if line.flag("enforce_for_root") or "enforce_for_root" in conf:
                    value["enforce_for_root"] = True
                    sources["enforce_for_root"] = line.where if line.flag("enforce_for_root") else conf_sources["enforce_for_root"]
                if tree.module_installed(line.path) is False:
                    remember, where = 0, f"{line.where} (module file not installed)"
                elif not line.enforcing():
                    remember, where = 0, f"{line.where} (control {line.control}: a failure is ignored)"
                elif stack.index(line) > unix_at:
                    remember, where = 0, f"{line.where} (after pam_unix, which has already changed the password)"
            elif line.module == "pam_unix" and line.arg("remember") is not None:
                remember, where = _int(line.arg("remember"), 0), line.where
            if remember is not None and (value["remember"] is None or remember > value["remember"]):
                value.update(configured=remember > 0, remember=remember, module=line.module)
                sources["remember"] = sources["configured"] = sources["module"] = where
        if value["remember"] is None:
            sources["remember"] = "neither pam_pwhistory nor pam_unix remember= in the password stack"
        return Parsed(value, sources)


class Faillock(_PamFact):
    """Login-failure lockout for console (``login``) and SSH (``sshd``) logins: pam_faillock
    (preauth + authfail in auth, and the account phase; args over faillock.conf) or pam_tally2.
    The weakest values across the stacks are reported (the one an attacker would meet)."""

    SERVICES = ("login", "sshd")

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        value = {"module": None, "wired": True, "services": {}, "deny": None, "unlock_time": None,
                 "lock_seconds": None, "even_deny_root": None}
        sources: dict[str, str] = {}
        conf, conf_sources = read_settings(tree, ["/etc/security/faillock.conf"],
                                           {"even_deny_root", "audit", "silent", "no_log_info", "local_users_only", "nodelay"})
        denies, unlocks, roots, modules, notes = [], [], [], set(), []
        checked = [s for s in self.SERVICES if s == "login" or tree.lookup(s)]
        for service in checked:
            auth = [l for l in tree.stack(service, "auth") if l.module in ("pam_faillock", "pam_tally2", "pam_tally")]
            account = [l for l in tree.stack(service, "account") if l.module in ("pam_faillock", "pam_tally2", "pam_tally")]
            for line in auth + account:
                if tree.module_installed(line.path) is False:
                    notes.append(f"{line.where}: module file not installed")
            auth = [l for l in auth if tree.module_installed(l.path) is not False]
            account = [l for l in account if tree.module_installed(l.path) is not False]
            faillock = [l for l in auth if l.module == "pam_faillock"]
            tally = [l for l in auth if l.module != "pam_faillock"]
            if faillock:
                modules.add("pam_faillock")
                auth_ok = any(l.flag("preauth") for l in faillock) and any(l.flag("authfail") for l in faillock)
            else:
                auth_ok = bool(tally)
                if tally:
                    modules.add(tally[0].module)
            account_ok = bool(account)
            value["services"][service] = {"file": tree.service_file(service), "auth": auth_ok, "account": account_ok}
            sources[f"services.{service}"] = "; ".join(l.where for l in auth + account) or \
                f"no pam_faillock/pam_tally2 in the auth or account stack of {tree.service_file(service)}"
            if not (auth_ok and account_ok):
                value["wired"] = False
                sources["wired"] = sources[f"services.{service}"] + (
                    "" if auth_ok else " (auth phase: needs preauth and authfail)") + (
                    "" if account_ok else " (account phase missing)")
            for line in faillock:
                deny, unlock, root = _int(conf.get("deny"), 3), conf.get("unlock_time", "600"), "even_deny_root" in conf
                where = {"deny": conf_sources.get("deny", f"{line.where} (default deny=3)"),
                         "unlock_time": conf_sources.get("unlock_time", f"{line.where} (default unlock_time=600)"),
                         "even_deny_root": conf_sources.get("even_deny_root", line.where)}
                if line.arg("deny") is not None:
                    deny, where["deny"] = _int(line.arg("deny"), 3), line.where
                if line.arg("unlock_time") is not None:
                    unlock, where["unlock_time"] = line.arg("unlock_time"), line.where
                if line.flag("even_deny_root"):
                    root, where["even_deny_root"] = True, line.where
                denies.append((deny, where["deny"]))
                unlocks.append((0 if str(unlock).strip().lower() == "never" else _int(unlock, 600), where["unlock_time"]))
                roots.append((root, where["even_deny_root"]))
            for line in tally:
                denies.append((_int(line.arg("deny"), 0), line.where + ("" if line.arg("deny") else " (no deny=: never locks)")))
                unlocks.append((_int(line.arg("unlock_time"), 0), line.where))
                roots.append((line.flag("even_deny_root"), line.where))
        if not checked:
            raise PamError("no login or sshd PAM service to check")
        value["module"] = "+".join(sorted(modules)) or None
        if not modules:
            value["wired"] = False
        if denies:
            # deny=0 disables the lockout: it is the weakest of all
            deny, where = max(denies, key=lambda d: (d[0] == 0, d[0]))
            value["deny"], sources["deny"] = deny, where
            unlock, where = min(unlocks, key=lambda u: float("inf") if u[0] == 0 else u[0])
            value["unlock_time"], sources["unlock_time"] = unlock, where
            value["lock_seconds"] = "inf" if unlock == 0 else unlock
            sources["lock_seconds"] = where + (" (0/never: locked until an administrator unlocks)" if unlock == 0 else "")
            root, where = min(roots, key=lambda r: r[0])
            value["even_deny_root"], sources["even_deny_root"] = root, where
        sources["__note__"] = "; ".join(notes) or f"checked the auth and account stacks of {', '.join(checked)}"
        sources.setdefault("module", sources["__note__"])
        return Parsed(value, sources)


class SuWheel(_PamFact):
    """Whether ``su`` is limited to a group by pam_wheel in its auth stack."""

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        binaries = [b for b in tree.files.tagged.get("BIN", []) if b.endswith("/su")]
        if not tree.lookup("su") and not binaries:
            return Parsed({"su_service": False, "restricted": None, "group": None},
                          {"__note__": "su is not installed (no /bin/su, /usr/bin/su or /etc/pam.d/su)"})
        stack = tree.stack("su", "auth")  # without /etc/pam.d/su, libpam uses 'other'
        value = {"su_service": True, "restricted": False, "group": None, "use_uid": False}
        sources = {"__note__": f"auth stack of {tree.service_file('su')}: " + ", ".join(l.module for l in stack)}
        for line in stack:
            if line.module != "pam_wheel" or line.flag("deny") or line.flag("trust"):
                continue
            if not line.enforcing():
                continue
            value.update(restricted=True, group=line.arg("group") or "wheel (or GID 0 group)", use_uid=line.flag("use_uid"))
            sources["restricted"] = sources["group"] = line.where
            break
        else:
            sources["restricted"] = ("no required/requisite pam_wheel line (without trust/deny) in the auth stack of "
                                     + tree.service_file("su"))
        return Parsed(value, sources)


TWO_FACTOR_MODULES = ("pam_google_authenticator", "pam_oath", "pam_u2f", "pam_yubico", "pam_radius_auth",
                      "pam_radius", "pam_pkcs11", "pam_duo", "pam_otpw", "pam_p11", "pam_privacyidea",
                      "pam_2fa", "pam_mfa", "pam_totp")


class TwoFactor(_PamFact):
    """Evidence for multi-factor login: second-factor PAM modules in the sshd/login auth
    stacks and installed on the host (judging it stays manual)."""

    def judge(self, tree: PamTree, ctx: HostContext) -> Parsed:
        value = {"in_stacks": [], "installed": sorted({m.rsplit("/", 1)[-1][:-3] for m in tree.modules
                                                       if m.rsplit("/", 1)[-1][:-3] in TWO_FACTOR_MODULES})}
        sources = {}
        for service in ("sshd", "login"):
            if not tree.lookup(service):
                continue
            for line in tree.stack(service, "auth"):
                if line.module in TWO_FACTOR_MODULES:
                    value["in_stacks"].append({"name": f"{service}:{line.module}", "service": service,
                                               "module": line.module, "control": str(line.control)})
                    sources[f"{service}:{line.module}"] = line.where
        sources["in_stacks"] = "; ".join(v for k, v in sources.items()) or "no second-factor module in the sshd/login auth stacks"
        sources["installed"] = ", ".join(value["installed"]) or "no second-factor PAM module installed"
        return Parsed(value, sources)
