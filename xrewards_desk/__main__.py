"""`python -m xrewards_desk`: the same as the `xrewards-desk` command."""

from .app import run

raise SystemExit(run())
