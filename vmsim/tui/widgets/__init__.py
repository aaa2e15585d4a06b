"""Widgets of the dashboard; each renders an immutable slice it is handed."""
