"""Allow ``python -m hardening``."""

from hardening.cli import main

main()
