"""Remediation bundles: apply.sh + rollback.sh (apply.sql + rollback.sql for a database) + manifest.json per
target, integrity by sha256."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from hardening.errors import InputError
from hardening.evaluate import resolve
from hardening.model import Rule
from hardening.remediate import oracle_sql
from hardening.remediate.quoting import printable, shell
from hardening.remediate.templates import Template, library, render

FORMAT = "hardening-remediation/1"
STATUSES_TO_FIX = {"fail"}


@dataclass
class Bundle:
    folder: Path
    manifest: dict

    @property
    def id(self) -> str:
        return self.manifest["id"]

    def digest(self) -> str:
        """sha256 of manifest.json, which itself holds the sha256 of every script."""
        return hashlib.sha256((self.folder / "manifest.json").read_bytes()).hexdigest()

    def modified_files(self) -> list[str]:
        changed = []
        for name, expected in self.manifest["files"].items():
            path = self.folder / name
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
                changed.append(name)
        return changed


def load_bundle(folder: Path) -> Bundle:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("not a remediation bundle (no manifest.json)", str(folder)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"manifest.json is not valid JSON: {exc}", str(folder)) from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"unknown bundle format {manifest.get('format')!r}", str(folder))
    return Bundle(folder, manifest)


def _header(bundle_id: str, hostname: str, apply: bool) -> str:
    """The scripts' preamble: refuses any host but the scanned one, before anything else runs.

    The host name comes from the scanned host (hostile until proven otherwise): it enters the
    script once, as one quoted word, and is shown only with its control characters escaped.
    """
    kind = "remediation" if apply else "rollback"
    return (
        "#!/bin/sh\n"
        f"# hardening {kind} bundle {bundle_id} for host {printable(hostname)}\n"
        "# Dry run by default: prints what it would change. --apply changes the host;\n"
        "# --allow-restart also restarts services or the machine where a change needs it.\n"
        "set -u\n"
        f"HF_BUNDLE={shell(bundle_id)}\n"
        f"HF_HOST={shell(hostname)}\n"
        "HF_APPLY=0; HF_ALLOW_RESTART=0\n"
        "for hf_arg in \"$@\"; do case $hf_arg in --apply) HF_APPLY=1 ;; --allow-restart) HF_ALLOW_RESTART=1 ;;\n"
        "  *) echo \"usage: sh $0 [--apply] [--allow-restart]\" >&2; exit 2 ;; esac; done\n"
        "hf_shown() { printf '%s' \"$1\" | LC_ALL=C tr -c '[:print:]' '?'; }\n"
        "if [ \"$(uname -n)\" != \"$HF_HOST\" ]; then\n"
        "  echo \"REFUSED: this bundle is for host $(hf_shown \"$HF_HOST\"), this host is $(hf_shown \"$(uname -n)\")\" >&2\n"
        "  exit 3\n"
        "fi\n"
        "[ \"$(id -u)\" = 0 ] || { echo 'REFUSED: run as root' >&2; exit 3; }\n"
        "HF_BACKUP_ROOT=/var/backups/hardening/$HF_BUNDLE\n")


def rule_block(rule: Rule, template: Template, variables: dict) -> str:
    body = render(template, variables).rstrip("\n")
    title = rule.title.en.replace("\n", " ")
    restart = ""
    if template.restart != "none":
        restart = ('[ "$HF_ALLOW_RESTART" = 1 ] || HF_RESTART_NEEDED=1  '
                   f"# needs a {template.restart} restart to take effect\n")
    return (f"hf_rule_begin {shell(rule.id)} {shell(title)}\n{restart}{body}\n"
            f"hf_rule_end {shell(rule.id)}\n")


def _manual(rule_id: str, rule: Rule | None, reason: str) -> dict:
    """A finding left for a person: why, and the rule's own advice on doing it by hand."""
    item = {"rule_id": rule_id, "reason": reason}
    if rule is not None and rule.fix is not None:
        item["fix"] = rule.fix.as_dict()
    return item


def generate(scan: dict, target: dict, rules: dict[str, Rule], templates: dict[str, Template], out: Path,
             only_rules: tuple[str, ...], author: str, facts: dict | None = None) -> tuple[Bundle | None, list[dict]]:
    """Write one bundle for one scanned target; returns it and the findings left for manual work.

    ``facts`` are the facts stored with the scan: a database's SQL takes its prior values from them.
    """
    params = scan["parameters"]
    hostname = target["platform"].get("hostname") or target["name"]
    database = oracle_sql.is_oracle(target)
    chosen, manual = [], []
    for finding in target["findings"]:
        if finding["status"] not in STATUSES_TO_FIX or (only_rules and finding["rule_id"] not in only_rules):
            continue
        rule = rules.get(finding["rule_id"])
        if rule is None or not rule.remediation:
            manual.append(_manual(finding["rule_id"], rule, "no automatic remediation (manual by nature or too risky)"))
            continue
        template = templates.get(rule.remediation["template"])
        if template is None:
            raise InputError(f"rule {rule.id} names unknown remediation template {rule.remediation['template']!r}")
        variables = template.check_vars(resolve(dict(rule.remediation.get("vars") or {}), params), f"rule {rule.id}")
        context = None
        if database:
            try:
                context = oracle_sql.plan(rule, template, variables, facts or {}, params)
            except oracle_sql.Unplannable as exc:
                manual.append(_manual(rule.id, rule, f"no automatic change: {exc}"))
                continue
        chosen.append((rule, template, variables, finding, context))
    if not chosen:
        return None, manual
    safe_host = re.sub(r"[^A-Za-z0-9_.-]", "_", target["name"])
    seed = json.dumps([scan["scan_id"], target["name"], [c[0].id for c in chosen]], sort_keys=True)
    bundle_id = f"s{scan['scan_id']}-{safe_host}-{hashlib.sha256(seed.encode()).hexdigest()[:8]}"
    folder = out / bundle_id
    folder.mkdir(parents=True, exist_ok=True)
    if database:
        scripts = oracle_sql.scripts(bundle_id, target, [(rule, template, context) for rule, template, _, _, context in chosen])
    else:
        scripts = {"apply.sh": (_header(bundle_id, hostname, True) + library("apply-lib.sh") +
                                "".join(rule_block(rule, template, variables) for rule, template, variables, _, _ in chosen)
                                + "hf_finish\n"),
                   "rollback.sh": _header(bundle_id, hostname, False) + library("rollback.sh")}
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
    manifest = {
        "format": FORMAT, "id": bundle_id, "scan_id": scan["scan_id"], "baseline": scan["baseline"],
        "target": {"name": target["name"], "uri": target["uri"], "hostname": hostname},
        "author": author, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "rules": [{"rule_id": rule.id, "title": rule.title.as_dict(), "severity": rule.severity,
                   "template": template.name, "vars": variables, "restart": template.restart,
                   "disruption": template.disruption, "risk": template.risk,
                   "guard": "needs another administrator with a working SSH key (checked on the host)"
                   if variables.get("guard_admin_key") else None,
                   "finding": {"status": finding["status"], "observed": finding["observed"],
                               "expected": finding["expected"], "evidence": finding["evidence"]},
                   **({"statements": oracle_sql.rule_statements(template, context), "guard": oracle_sql.guard(target)}
                      if database else {})}
                  for rule, template, variables, finding, context in chosen],
        "manual": manual,
        "files": {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in scripts},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                          encoding="utf-8")
    return Bundle(folder, manifest), manual
