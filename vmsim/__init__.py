"""vmsim: watch why containers are light and virtual machines are heavy, on a simulated host."""

__version__ = "0.1.0"
