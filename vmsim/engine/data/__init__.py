"""The engine's data files: catalog.toml (every default figure, with its source) and drift.toml."""
