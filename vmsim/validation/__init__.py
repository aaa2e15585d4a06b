"""Model validation: reference experiments run in the engine and compared with published measurements."""
