"""The ``serve_vmsim`` fixture (a real ``vmsim serve`` whose process group is reaped) for every web test."""

from test_serve import serve_vmsim  # noqa: F401 - a fixture, found by name
