"""The real machine vmsim runs on: its resources (psutil) and real processes timed (probe)."""
