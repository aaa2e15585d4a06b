"""The dashboard's keys for many hosts: add a host, take one down. Each goes through the session, which records
it as a user command so that rewinding and replaying stay exact."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import App

from vmsim.text import tr

if TYPE_CHECKING:
    from vmsim.session import InstanceSnapshot, Session, SimulationSnapshot, WorldSnapshot
    from vmsim.tui.screens.main import MainScreen

HOST_ACTIONS = ("add_host", "fail_host", "deploy_by_hand", "deploy_image")


class HostsActions:
    """Mixin for the app: the host keys. They act whenever pressed (the help lists them), and the key line shows
    them when a world has more than one host or the hosts view is on screen: a one-host scenario keeps its key
    line short."""

    session: Session
    snapshot: SimulationSnapshot
    lang: str

    if TYPE_CHECKING:

        @property
        def main(self) -> MainScreen: ...

        def _after_command(self) -> None: ...

    def hidden_keys(self) -> tuple[str, ...]:
        """Actions the key line leaves out now, though their keys act: the host keys, in a one-host world with the
        hosts view not on screen."""
        return () if self.hosts_keys_apply() else HOST_ACTIONS

    def hosts_keys_apply(self) -> bool:
        """True when the host keys show in the key line."""
        if self.snapshot.host.hosts > 1:
            return True
        try:
            return "hosts" in self.main.lower.shown()
        except RuntimeError:
            return False

    def selected_snapshot(self) -> tuple[WorldSnapshot, InstanceSnapshot] | None:
        """The selected instance as the last snapshot shows it, with its world; None when nothing is selected."""
        try:
            selected = self.main.selected_instance()
        except RuntimeError:
            return None
        if selected is None:
            return None
        world_name, instance_id = selected
        for world in self.snapshot.worlds:
            if world.name == world_name:
                inst = next((i for i in world.instances if i.id == instance_id), None)
                return (world, inst) if inst is not None else None
        return None

    def selected_app(self) -> str | None:
        """The app of the selected instance, else the last app added."""
        found = self.selected_snapshot()
        return found[1].app if found is not None else self.session.last_app

    def selected_host(self) -> str | None:
        """The host of the selected instance, when it is placed and its host is up."""
        found = self.selected_snapshot()
        if found is None:
            return None
        world, inst = found
        host = next((h for h in world.hosts if h.name == inst.host), None)
        return host.name if host is not None and host.up else None

    def action_add_host(self) -> None:
        """One more host, empty and up, in every world."""
        try:
            name = self.session.add_host()
        except ValueError as exc:
            cast(App[None], self).notify(str(exc), severity="warning")
            return
        self._after_command()
        cast(App[None], self).notify(tr("note.host_added", self.lang, name=name), timeout=2)

    def action_fail_host(self) -> None:
        """Take the selected instance's host (or the first host up) down in every world."""
        name = self.session.fail_host(self.selected_host())
        if name is None:
            cast(App[None], self).notify(tr("note.no_host_up", self.lang), severity="warning")
            return
        self._after_command()
        cast(App[None], self).notify(tr("note.host_failed", self.lang, name=name), timeout=3)

    def action_deploy_by_hand(self) -> None:
        """A new version of the selected instance's app, deployed by hand: one server after another."""
        self._deploy("by-hand")

    def action_deploy_image(self) -> None:
        """A new version of the selected instance's app, shipped as one image to every server."""
        self._deploy("image")

    def _deploy(self, method: str) -> None:
        app = self.selected_app()
        version = self.session.deploy(app, method) if app is not None else None
        if version is None:
            cast(App[None], self).notify(tr("note.nothing_to_deploy", self.lang), severity="warning")
            return
        self._after_command()
        words = tr(f"note.deploying.{method}", self.lang, app=app, version=version)
        cast(App[None], self).notify(words, timeout=3)
