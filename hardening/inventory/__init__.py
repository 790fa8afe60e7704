"""Inventories: our YAML, Ansible INI/YAML (with group_vars/host_vars), and ~/.ssh/config."""

from hardening.inventory.model import HostEntry
from hardening.inventory.load import load_inventory, select_hosts

__all__ = ["HostEntry", "load_inventory", "select_hosts"]
