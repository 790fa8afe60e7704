"""Remediation templates: remediations/<name>/{template.yml, apply.sh.j2}, rendered with a quoting filter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from hardening import paths
from hardening.errors import InputError
from hardening.remediate.quoting import Quoted, no_control_characters, printable, shell
from hardening.yamlio import load_file

TYPES = {"str": str, "int": int, "bool": bool, "list": list, "dict": dict}


@dataclass(frozen=True)
class Template:
    name: str
    folder: Path
    parameters: dict
    risk: dict
    restart: str
    disruption: str
    description: dict

    def check_vars(self, variables: dict, where: str) -> dict:
        """Fill defaults and refuse unknown or missing variables (a template gets exactly what it declares),
        values of the wrong type, values that miss the parameter's ``pattern`` and control characters."""
        result = {}
        for name, spec in self.parameters.items():
            if name in variables:
                value = variables[name]
                allowed = spec["type"] if isinstance(spec["type"], list) else [spec["type"]]
                if not any(isinstance(value, TYPES[t]) for t in allowed):
                    raise InputError(f"{where}: variable {name!r} of template {self.name} must be {' or '.join(allowed)}")
                if "pattern" in spec and not re.fullmatch(spec["pattern"], str(value)):
                    raise InputError(f"{where}: variable {name!r} of template {self.name} must match "
                                     f"{spec['pattern']}, not {printable(value)!r}")
                result[name] = value
            elif "default" in spec:
                result[name] = spec["default"]
            else:
                raise InputError(f"{where}: template {self.name} needs variable {name!r}")
        unknown = sorted(set(variables) - set(self.parameters))
        if unknown:
            raise InputError(f"{where}: template {self.name} has no variable(s) {', '.join(unknown)}")
        no_control_characters(result, f"{where}: template {self.name}")
        return result


def _shell_word(value):
    return value if isinstance(value, Quoted) else shell(value)


def _quoted_only(value):
    if isinstance(value, Quoted):
        return value
    raise jinja2.TemplateError(f"unquoted value {value!r}: pass it through a quoting filter")


def environment(root: Path, language: str = "sh") -> jinja2.Environment:
    """Every ``{{ value }}`` of a shell template comes out as one shell word (``|q`` or not);
    a SQL template must choose its quoting (identifier, literal, keyword ...) or it fails."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(root)), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True,
                             finalize=_shell_word if language == "sh" else _quoted_only)
    env.filters["q"] = shell
    return env


def load_templates(root: Path | None = None) -> dict[str, Template]:
    root = root or paths.data_root("remediations")
    templates = {}
    for spec_path in sorted(root.glob("*/template.yml")):
        doc = load_file(spec_path)
        name = spec_path.parent.name
        if not isinstance(doc, dict) or doc.get("name") != name:
            raise InputError(f"template name must be {name!r}", str(spec_path), 1)
        templates[name] = Template(name, spec_path.parent, dict(doc.get("parameters") or {}), dict(doc.get("risk") or {}),
                                   str(doc.get("restart", "none")), str(doc.get("disruption", "low")),
                                   dict(doc.get("description") or {}))
    return templates


def render(template: Template, variables: dict) -> str:
    env = environment(template.folder.parent)
    try:
        return env.get_template(f"{template.name}/apply.sh.j2").render(**variables)
    except jinja2.TemplateError as exc:
        raise InputError(f"template {template.name}: {exc}") from None


def library(name: str) -> str:
    return (paths.data_root("remediations") / "_lib" / name).read_text(encoding="utf-8")
