"""Environment drift: the same app deployed by hand to several servers, and from one image.

A hand-made deployment depends on where and when it was made: `apt install nodejs` gives the version
the server's OS image carries; `npm install` without a lockfile takes the newest release a range
allows on that day; environment variables and firewall rules exist only if a person remembered them.
An image writes all of that down once: built once, the same bytes run on every server, every day.

Deterministic: the same seed gives the same deployments. Which steps a person forgets is drawn from a
random stream named after the seed and the server, so adding a server changes no other server.
"""

from __future__ import annotations

import hashlib
import random
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vmsim.engine.codes import Coded, coded


@dataclass(frozen=True)
class DeployStep:
    """One step of a deployment: the command typed (or written down), what it gave, and whether it hurt."""

    name: str  # runtime | packages | env | port | image
    command: str
    result: Coded  # what the step gave
    problem: Coded | None = None  # why it breaks the app (None when it does not)


@dataclass(frozen=True)
class Deployment:
    """One server after deployment: what it ended up with and whether the app works there."""

    server: str
    os_label: str
    day: int
    method: str  # manual | image
    steps: tuple[DeployStep, ...]
    node_version: str
    packages: tuple[tuple[str, str], ...]
    env_set: tuple[str, ...]
    port_open: bool

    @property
    def problems(self) -> tuple[Coded, ...]:
        """Why the app fails here (empty when it works); the variables left unset are one problem."""
        out: list[Coded] = []
        unset: list[str] = []
        for step in self.steps:
            if step.problem is None:
                continue
            if step.problem.code == "drift.env_missing":
                unset.append(str(dict(step.problem.params)["var"]))
            else:
                out.append(step.problem)
        if unset:
            out.append(coded("drift.env_missing", var=", ".join(unset)))
        return tuple(out)

    @property
    def works(self) -> bool:
        """True when nothing in the environment breaks the app."""
        return not self.problems

    def fingerprint(self) -> tuple[object, ...]:
        """What the app sees of its environment: equal fingerprints, equal behaviour."""
        return (self.node_version, self.packages, self.env_set, self.port_open)


@dataclass(frozen=True)
class DriftModel:
    """The story's data: the app, server images, package releases, servers, people, the image recipe."""

    data: dict[str, Any]

    @property
    def servers(self) -> list[dict[str, Any]]:
        """The servers of the story, in order."""
        return list(self.data["servers"])

    @property
    def manual_recipe(self) -> tuple[str, ...]:
        """The steps a person takes on each server: shell commands, and one step that is not a command but a
        click in the cloud console, given as a code (``open-port:PORT``) for the view to put in words."""
        app = self.data["app"]
        env = " ".join(f"{name}=..." for name in app["env"])
        return (
            "sudo apt install -y nodejs npm",
            "npm install",
            f"export {env}",
            f"open-port:{app['port']}",
            "node server.js &",
        )

    @property
    def dockerfile(self) -> tuple[str, ...]:
        """The same environment, written down."""
        return tuple(self.data["image"]["dockerfile"])

    @property
    def run_command(self) -> str:
        """How the image is started, the same on every server."""
        return str(self.data["image"]["run"])


@cache
def default_drift_model() -> DriftModel:
    """The shipped story (data/drift.toml)."""
    text = resources.files("vmsim.engine").joinpath("data/drift.toml").read_text(encoding="utf-8")
    return DriftModel(tomllib.loads(text))


def _plain(text: str) -> Coded:
    """Text that reads the same in every language (versions, commands)."""
    return coded("plain", text=text)


def _broken(release: dict[str, Any]) -> Coded | None:
    """A release's breakage, coded with both languages' texts (the story's data carries them)."""
    broken = release.get("broken")
    if not broken:
        return None
    return coded("drift.broken", en=broken["en"], ko=broken.get("ko", broken["en"]))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _resolve(model: DriftModel, package: str, range_: str, day: int) -> dict[str, Any]:
    """The newest release of ``package`` that the caret range allows, published on or before ``day``."""
    base = _version_key(range_.lstrip("^"))
    candidates = [
        r
        for r in model.data["releases"]
        if r["package"] == package
        and r["day"] <= day
        and _version_key(r["version"])[0] == base[0]
        and _version_key(r["version"]) >= base
    ]
    if not candidates:
        raise ValueError(f"no release of {package} satisfies {range_} on day {day}")
    return max(candidates, key=lambda r: _version_key(r["version"]))


def manual_deployments(seed: int, model: DriftModel | None = None) -> tuple[Deployment, ...]:
    """Every server deployed by hand on its own day."""
    model = model or default_drift_model()
    app = model.data["app"]
    people = model.data["people"]
    out = []
    for server in model.servers:
        rng = random.Random(f"{seed}/drift/{server['name']}")
        os_spec = model.data["os"][server["os"]]
        node = str(os_spec["apt_node"]["v"])
        steps = []
        need = int(app["runtime_min_major"]["v"])
        problem = coded("drift.old_node", have=node, need=need) if _version_key(node)[0] < need else None
        steps.append(DeployStep("runtime", "sudo apt install -y nodejs npm", _plain(f"node {node}"), problem))
        packages = []
        for pkg in app["packages"]:
            release = _resolve(model, pkg["name"], pkg["range"], server["day"])
            packages.append((pkg["name"], release["version"]))
            steps.append(
                DeployStep(
                    "packages",
                    f"npm install  ({pkg['name']} {pkg['range']})",
                    _plain(f"{pkg['name']} {release['version']}"),
                    _broken(release),
                )
            )
        env_set = []
        for var in app["env"]:
            forgot = rng.random() < people["forget_env"]["v"]
            if not forgot:
                env_set.append(var)
            steps.append(
                DeployStep(
                    "env",
                    f"export {var}=...",
                    coded("drift.forgotten") if forgot else coded("drift.set"),
                    coded("drift.env_missing", var=var) if forgot else None,
                )
            )
        port_open = rng.random() >= people["forget_port"]["v"]
        steps.append(
            DeployStep(
                "port",
                f"open port {app['port']}",
                coded("drift.open") if port_open else coded("drift.forgotten"),
                None if port_open else coded("drift.port_closed", port=app["port"]),
            )
        )
        out.append(
            Deployment(
                server=server["name"],
                os_label=os_spec["label"],
                day=int(server["day"]),
                method="manual",
                steps=tuple(steps),
                node_version=node,
                packages=tuple(packages),
                env_set=tuple(env_set),
                port_open=port_open,
            )
        )
    return tuple(out)


def image_deployments(seed: int, model: DriftModel | None = None) -> tuple[Deployment, ...]:
    """Every server running the one image built on the build day: identical by construction."""
    model = model or default_drift_model()
    app = model.data["app"]
    image = model.data["image"]
    # The lockfile was written when the image was built: `npm ci` installs exactly those versions.
    locked = tuple(
        (pkg["name"], _resolve(model, pkg["name"], pkg["range"], int(image["build_day"]))["version"])
        for pkg in app["packages"]
    )
    out = []
    for server in model.servers:
        steps = (
            DeployStep(
                "image",
                model.run_command,
                _plain(f"node {image['base_node']}, " + ", ".join(f"{n} {v}" for n, v in locked)),
            ),
        )
        out.append(
            Deployment(
                server=server["name"],
                os_label=model.data["os"][server["os"]]["label"],
                day=int(server["day"]),
                method="image",
                steps=steps,
                node_version=str(image["base_node"]),
                packages=locked,
                env_set=tuple(app["env"]),
                port_open=True,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ImageBuild:
    """An image as one server ends up with it: built there from the Dockerfile, or pulled from a registry."""

    server: str
    day: int
    how: str  # built-here (from the tag as it was that day) | pulled (the one image, built once)
    base_ref: str  # what FROM named
    base_digest: str  # what that name pointed to
    node_version: str
    digest: str  # the image's own digest: equal digests, equal bytes


@dataclass(frozen=True)
class ContainerView:
    """One container of the image: what is shared with its siblings and what is its own."""

    name: str
    image_digest: str
    env: tuple[str, ...]  # its configuration, handed over at run time
    port: int
    writable: tuple[str, ...]  # files in its own writable layer


def _base_on(model: DriftModel, tag: str, day: int) -> dict[str, Any]:
    """What ``tag`` pointed to on ``day``: the newest rebuild published on or before it."""
    rebuilds = [b for b in model.data["base_tags"] if b["tag"] == tag and int(b["day"]) <= day]
    if not rebuilds:
        raise ValueError(f"no build of {tag} on day {day}")
    return max(rebuilds, key=lambda b: int(b["day"]))


def _image_digest(base_digest: str, packages: tuple[tuple[str, str], ...], dockerfile: tuple[str, ...]) -> str:
    """A stand-in for the image's content digest: a hash of everything that goes into its layers."""
    content = "\n".join([base_digest, *(f"{n}@{v}" for n, v in packages), *dockerfile])
    return "sha256:" + hashlib.sha256(content.encode()).hexdigest()[:12]


def image_builds(model: DriftModel | None = None, shipped: bool = False) -> tuple[ImageBuild, ...]:
    """Each server's image: built on the server on its own day from the unpinned tag (``shipped`` False), or
    built once on the build day, pushed, and pulled by every server (True)."""
    model = model or default_drift_model()
    app = model.data["app"]
    image = model.data["image"]
    build_day = int(image["build_day"])
    # The lockfile is committed: `npm ci` installs the same versions on any day.
    locked = tuple(
        (pkg["name"], _resolve(model, pkg["name"], pkg["range"], build_day)["version"]) for pkg in app["packages"]
    )
    out = []
    for server in model.servers:
        day = build_day if shipped else int(server["day"])
        base = _base_on(model, str(image["base"]), day)
        out.append(
            ImageBuild(
                server=str(server["name"]),
                day=int(server["day"]),
                how="pulled" if shipped else "built-here",
                base_ref=str(image["base"]),
                base_digest=str(base["digest"]),
                node_version=str(base["node"]),
                digest=_image_digest(str(base["digest"]), locked, model.dockerfile),
            )
        )
    return tuple(out)


def sibling_containers(model: DriftModel | None = None) -> tuple[ContainerView, ...]:
    """Two containers of the shipped image on one server: the same image, their own writable layer and
    configuration."""
    model = model or default_drift_model()
    digest = image_builds(model, shipped=True)[0].digest
    env = tuple(str(v) for v in model.data["app"]["env"] if v != "PORT")
    return tuple(
        ContainerView(
            name=str(c["name"]),
            image_digest=digest,
            env=(f"PORT={c['port']}", *(f"{v}=… ({model.data['image']['env_file']})" for v in env)),
            port=int(c["port"]),
            writable=tuple(str(w) for w in c["writable"]),
        )
        for c in model.data["containers"]
    )
