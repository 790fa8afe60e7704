"""Issue 12, item 1: values from a scanned host cannot run code through a generated script.

A hostile host names itself ``x$(touch /root/P)``; its bundle is then run (dry run, as root) on
the host itself and on another host, and nothing the name carries may execute. Every template,
shell and SQL, is fed the same hostile values.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from hardening.errors import InputError
from hardening.remediate import oracle_sql
from hardening.remediate.quoting import printable, shell
from hardening.remediate.templates import load_templates, render
from scenario_runner import REPO

MARKERS = ("/root/P", "/root/Q", "/root/R", "/root/S")
# Each payload, run by a shell, would create one of MARKERS.
PAYLOADS = ("x$(touch /root/P)", "`touch /root/Q`", "'; touch /root/R; '", "\";touch /root/S;\"", "a\nb",
            "\x1b[2J\x1b[31mred", "-rf *", "a\\b", "$HOME ${PATH}")
# The kernel keeps 64 bytes of a host name: one name that carries every way out of a shell word
# (a line break too: the collector reads one line of it, so such a host never matches its bundle).
HOSTILE_HOST = "x$(touch /root/P)`touch /root/Q`'\";touch /root/R;\x1b[31m"


def hardening(*args):
    return subprocess.run([sys.executable, "-m", "hardening", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120)


def run_script(host, script: str, *args: str) -> subprocess.CompletedProcess:
    host.run("cat > /tmp/script.sh <<'HF_EOF'\n" + script + "HF_EOF\n")
    return host.run("sh /tmp/script.sh " + " ".join(args), check=False)


def assert_no_marker(host) -> None:
    left = host.run("for f in " + " ".join(MARKERS) + "; do [ -e $f ] && echo $f; done; true").stdout.split()
    assert not left, f"a hostile value ran as code on {host.name}: {left}"


def test_item1_hostile_host_name_cannot_run_code_through_a_bundle(sandbox_factory, tmp_path):
    hostile, other = sandbox_factory(), sandbox_factory()
    hostile.run(f"python3 -c 'import socket, sys; socket.sethostname(sys.argv[1])' {shell(HOSTILE_HOST)}")
    assert hostile.run("cat /proc/sys/kernel/hostname").stdout.rstrip("\n") == HOSTILE_HOST
    db = tmp_path / "h.db"
    scanned = hardening("scan", f"ssh://root@{hostile.address}", "--identity", str(hostile.key_path),
                        "--known-hosts", str(hostile.known_hosts_path), "--rule", "session_idle_timeout_tmout",
                        "--db", str(db), "-q")
    assert scanned.returncode == 1, scanned.stderr
    made = hardening("remediate", "latest", "--out", str(tmp_path / "bundles"), "--db", str(db))
    assert made.returncode == 0, made.stderr
    bundle = next((tmp_path / "bundles").iterdir())
    for name in ("apply.sh", "rollback.sh"):
        script = (bundle / name).read_text()
        assert HOSTILE_HOST not in script  # only quoted (one word) or escaped (comments)
        # on another host: refused before anything else, the name shown without running it
        refused = run_script(other, script)
        assert refused.returncode == 3 and "REFUSED: this bundle is for host x$(touch /root/P)" in refused.stderr
        assert "\x1b" not in refused.stderr
        assert_no_marker(other)
        # on the scanned host itself: the name matches, the dry run goes on and runs nothing it carries
        own = run_script(hostile, script)
        assert "REFUSED" not in own.stderr, own.stderr
        assert_no_marker(hostile)
    assert "dry run: nothing was changed" in run_script(hostile, (bundle / "apply.sh").read_text()).stdout


def _kinds(spec: dict) -> list[str]:
    return spec["type"] if isinstance(spec["type"], list) else [spec["type"]]


def _value(spec: dict, variable: str, text: str):
    """``text`` in the shape the variable takes (a setting of a dict, an item of a list)."""
    kinds = _kinds(spec)
    if "dict" in kinds:
        return {"Key": text}
    if "list" in kinds:
        return [text]
    return text


def _harmless(spec: dict, variable: str):
    """A value the template accepts, for the variables not under attack."""
    if "default" in spec:
        return spec["default"]
    for text in (["/etc/hf-test"] if variable == "path" else []) + ["0600", "root", "x"]:
        if re.fullmatch(spec.get("pattern", ".*"), text):
            return _value(spec, variable, text)
    raise AssertionError(f"no harmless value for {variable}")


SHELL_TEMPLATES = sorted(name for name in load_templates() if not name.startswith("oracle_"))


@pytest.mark.parametrize("name", SHELL_TEMPLATES)
def test_item1_hostile_values_through_every_shell_template(name, sandbox_host):
    """Every variable of every shell template, set to each payload: refused by the template's
    checks, or rendered into a script whose dry run executes none of it."""
    template = load_templates()[name]
    scripts = []
    for payload in PAYLOADS:
        for variable, spec in template.parameters.items():
            if "bool" in _kinds(spec):
                continue
            values = {v: _harmless(s, v) for v, s in template.parameters.items()}
            values[variable] = _value(spec, variable, payload)
            try:
                checked = template.check_vars(values, "test")
            except InputError as exc:
                assert "\n" not in exc.message and "\x1b" not in exc.message
                continue
            scripts.append(render(template, checked))
    assert scripts, f"template {name} refused every value: the test would prove nothing"
    preamble = ("HF_APPLY=0; HF_ALLOW_RESTART=0; HF_BACKUP_ROOT=/tmp/hf-backup\n"
                + (REPO / "remediations/_lib/apply-lib.sh").read_text())
    for script in scripts:
        done = run_script(sandbox_host, preamble + script + "hf_finish\n")
        assert "syntax error" not in done.stderr, script
    assert_no_marker(sandbox_host)


def test_item1_a_template_that_forgets_to_quote_still_emits_one_word(tmp_path):
    (tmp_path / "careless").mkdir()
    (tmp_path / "careless" / "apply.sh.j2").write_text("echo {{ value }}\n")
    (tmp_path / "careless" / "template.yml").write_text("name: careless\nparameters:\n  value: {type: str}\n")
    template = load_templates(tmp_path)["careless"]
    script = render(template, {"value": "x$(touch /tmp/hf-p)"})
    done = subprocess.run(["sh", "-c", script], capture_output=True, text=True)
    assert done.stdout == "x$(touch /tmp/hf-p)\n"


_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_SQL_HOSTILE = ("P\"; DROP USER SYS; --", "P'||(SELECT 1 FROM DUAL)||'", "PROF\" LIMIT X; GRANT DBA TO \"EVE",
                "x$(touch /root/P)")


def _outside_quotes(line: str) -> str:
    return _QUOTED.sub("Q", line)


SQL_CONTEXTS = {
    "oracle_account_lock": lambda v: {"accounts": [{"name": v, "was_unlocked": True},
                                                   {"name": v, "was_unlocked": False}]},
    "oracle_profile_limit": lambda v: {"resource": "FAILED_LOGIN_ATTEMPTS", "value": 5,
                                       "changes": [{"profile": v, "prior": "UNLIMITED"}]},
    "oracle_revoke": lambda v: {"grants": [{"owner": v, "object": v, "grantable": True},
                                           {"role": v, "grantee": v, "admin_option": True},
                                           {"privilege": "SELECT ANY TABLE", "grantee": v, "admin_option": False}]},
    "oracle_parameter": lambda v: {"name": "audit_trail", "new": v, "prior": v, "was_default": False},
    "oracle_static_parameter": lambda v: {"name": "audit_trail", "new": v, "prior": v, "was_default": False},
}


@pytest.mark.parametrize("name", sorted(n for n in load_templates() if n.startswith("oracle_")))
@pytest.mark.parametrize("script", ["apply", "rollback"])
def test_item1_hostile_names_from_the_database_stay_inside_quotes(name, script):
    template = load_templates()[name]
    for value in _SQL_HOSTILE:
        text = oracle_sql.render(template, SQL_CONTEXTS[name](value), script)
        for line in text.splitlines():
            outside = _outside_quotes(line)
            assert "DROP" not in outside and "GRANT DBA" not in outside and "SELECT 1" not in outside, line
            assert "touch" not in outside, line
    for value in ("P\nDROP USER SYS", "P\x1b[2J", ""):
        with pytest.raises(InputError):
            oracle_sql.render(template, SQL_CONTEXTS[name](value), script)


def test_item1_a_sql_template_that_forgets_to_quote_fails(tmp_path):
    (tmp_path / "oracle_careless").mkdir()
    (tmp_path / "oracle_careless" / "apply.sql.j2").write_text("ALTER USER {{ name }} ACCOUNT LOCK;\n")
    (tmp_path / "oracle_careless" / "template.yml").write_text("name: oracle_careless\nparameters: {}\n")
    template = load_templates(tmp_path)["oracle_careless"]
    with pytest.raises(InputError, match="unquoted value"):
        oracle_sql.render(template, {"name": "SCOTT"}, "apply")


def test_item1_hostile_database_name_in_the_sql_header():
    target = {"name": "db1", "uri": "oracle://db1", "platform": {"db_name": "ORCL' OR 1=1 --", "con_name": "PDB\"1",
                                                                   "major": 19}}
    header = oracle_sql._header("s1-db1-0", target, "remediation")
    assert all(line.startswith(("--", "SET", "WHENEVER", "BEGIN", "/")) for line in header.splitlines())
    assert "'ORCL'' OR 1=1 --'" in header
    with pytest.raises(InputError):
        oracle_sql._header("s1-db1-0", {**target, "platform": {**target["platform"], "db_name": "ORCL\nDROP"}},
                           "remediation")


def test_item1_printable_escapes_what_would_end_a_comment_or_rewrite_a_terminal():
    assert printable("a\nb\x1b[31m\x9b") == "a\\nb\\x1b[31m\\x9b"
    assert printable("主机-01") == "主机-01"
    with pytest.raises(InputError):
        shell("a\0b")
