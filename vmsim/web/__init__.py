"""The dashboard served to browsers (textual-serve), with the limits a stranger's browser needs."""
