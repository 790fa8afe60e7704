"""inventory show: the targets an inventory resolves to, before any connection is made."""

from __future__ import annotations

import json
from pathlib import Path

import click

from hardening.cli.common import format_option
from hardening.inventory.load import jump_targets, load_inventory, select_hosts, ssh_config


@click.group()
def inventory():
    """Inspect inventories (our YAML or Ansible INI/YAML).

    \b
    Example:
      hardening inventory show inventory.ini --limit web
    """


@inventory.command("show")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--limit", "-l", default=None, help="Groups, names or globs, comma separated; !x excludes.")
@click.option("--tags", multiple=True, help="Only hosts having any of these tags.")
@format_option
def inventory_show(path, limit, tags, fmt):
    """Print the resolved targets: address, port, user, key, jump chain, sudo, tags, baseline.

    Variables are merged as Ansible does (all < parent groups < child groups < host), then
    gaps are filled from ~/.ssh/config (HostName, User, Port, IdentityFile, ProxyJump).

    \b
    Example:
      hardening inventory show inventory.ini --limit 'web,!web03'
    """
    config = ssh_config()
    entries = load_inventory(path, config)
    chosen = select_hosts(entries, limit, tags)
    rows = []
    for entry in chosen:
        row = entry.as_dict()
        row["jump_chain"] = [t.uri for t in jump_targets(entry, entries, config)]
        rows.append(row)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        via = f" via {' → '.join(row['jump_chain'])}" if row["jump_chain"] else ""
        extra = ", ".join(filter(None, ["sudo" if row["sudo"] else "", f"key {row['identity']}" if row["identity"] else "",
                                        f"baseline {row['baseline']}" if row["baseline"] else "",
                                        f"tags {','.join(row['tags'])}" if row["tags"] else ""]))
        click.echo(f"{row['name']:<24} {row['user'] or 'root'}@{row['address']}:{row['port']}{via}"
                   f"  [{', '.join(row['groups']) or 'ungrouped'}]" + (f"  {extra}" if extra else ""))
    click.echo(f"{len(rows)} host(s)")
