"""The one way to run a scenario: a Session owns the Simulation; the dashboard, the web mode, the CLI and the
tests drive it through the Session's methods and read the immutable snapshots it returns."""

from vmsim.session.headless import run_headless
from vmsim.session.session import Session

__all__ = ["Session", "run_headless"]
