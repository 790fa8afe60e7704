"""hardening: security hardening and MLPS 2.0 Level 3 compliance scanning."""

__version__ = "0.1.0"
