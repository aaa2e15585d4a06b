"""One module per ``vmsim`` command, each listed in :mod:`vmsim.cli.registry`."""
