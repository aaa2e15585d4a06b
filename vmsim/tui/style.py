"""How categories and states look: colour-blind-safe colours (Okabe-Ito) plus a distinct glyph each,
so no meaning rests on colour alone."""

from __future__ import annotations

from typing import NamedTuple


class CategoryStyle(NamedTuple):
    """The look of one memory or disk category in bars and legends."""

    label: str
    colour: str
    glyph: str
    short: str = ""

    @property
    def short_label(self) -> str:
        """A label for narrow columns."""
        return self.short or self.label


# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
MEMORY_STYLES: dict[str, CategoryStyle] = {
    "host_os": CategoryStyle("host OS", "#9a9a9a", "█"),
    "hypervisor": CategoryStyle("hypervisor", "#d55e00", "▚"),
    "guest_kernel": CategoryStyle("guest kernels", "#cc79a7", "▓", "kernels"),
    "guest_services": CategoryStyle("guest services", "#e69f00", "▒", "services"),
    "guest_page_cache": CategoryStyle("guest page cache", "#f0e442", "▞", "page cache"),
    "apps": CategoryStyle("apps", "#009e73", "█"),
    "runtime": CategoryStyle("container runtime", "#56b4e9", "▓", "runtime"),
    "shared_pages": CategoryStyle("shared pages", "#0072b2", "▒", "shared"),
    "reserved_idle": CategoryStyle("reserved, untouched", "#6f6f6f", "░", "reserved"),
}
DISK_STYLES: dict[str, CategoryStyle] = {
    "host_os": CategoryStyle("host OS", "#9a9a9a", "█"),
    "base_images": CategoryStyle("OS images", "#cc79a7", "▓"),
    "vm_disks": CategoryStyle("VM disks", "#d55e00", "▚"),
    "image_layers": CategoryStyle("image layers", "#0072b2", "▒", "layers"),
    "writable_layers": CategoryStyle("writable layers", "#009e73", "█", "writable"),
}
FREE = CategoryStyle("free", "#3a3a3a", "·")

STATE_STYLES: dict[str, tuple[str, str]] = {
    # state: (symbol, colour) — the word is always shown too.
    "pending": ("…", "#9a9a9a"),
    "booting": ("▶", "#e69f00"),
    "running": ("●", "#009e73"),
    "failed": ("✗", "#d55e00"),
    "killed": ("☠", "#d55e00"),
    "stopped": ("■", "#9a9a9a"),
}

WORLD_TITLES = {"vm": "Virtual machines", "container": "Containers", "microvm": "MicroVMs"}
WORLD_NOUNS = {"vm": "VM", "container": "container", "microvm": "microVM"}
WORLD_BLURBS = {
    "vm": "each app boots its own full OS",
    "container": "apps share the host's kernel",
    "microvm": "own minimal kernel, direct boot",
}

SPEEDS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)


def fmt_mib(mib: float) -> str:
    """Compact MiB/GiB: '512 MiB', '1.5 GiB', '27 GiB'."""
    if mib >= 1024 * 100:
        return f"{mib / 1024:,.0f} GiB"
    if mib >= 1024:
        return f"{mib / 1024:.1f} GiB"
    if mib >= 10 or mib == 0:
        return f"{mib:,.0f} MiB"
    return f"{mib:.1f} MiB"


def fmt_speed(speed: float) -> str:
    """'1×', '0.25×', '100×'."""
    return f"{speed:g}×"
