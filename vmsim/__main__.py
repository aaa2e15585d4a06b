"""``python -m vmsim`` runs the command line."""

try:
    from vmsim.cli import main

    code = main()
except KeyboardInterrupt:  # Ctrl-C while Python is still importing vmsim: as quiet as Ctrl-C later on
    raise SystemExit(130) from None

raise SystemExit(code)
