"""``python -m vmsim.engine.data``: write the parsed copy of catalog.toml after editing it."""

from vmsim.engine.catalog import write_parsed_copy

print(f"wrote {write_parsed_copy()}")
