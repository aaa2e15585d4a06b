"""``python -m vmsim`` runs the command line."""

from vmsim.cli import main

raise SystemExit(main())
