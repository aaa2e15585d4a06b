"""How categories and states look: colour-blind-safe colours (Okabe-Ito) plus a distinct glyph each,
so no meaning rests on colour alone."""

from __future__ import annotations

from typing import NamedTuple

from vmsim.output import palette

# The speed ladder is the session's (it owns the pace); named here too for the dashboard's code and tests.
from vmsim.session import SPEEDS as SPEEDS


class CategoryStyle(NamedTuple):
    """The look of one memory or disk category in bars and legends (its words are in the text catalogue)."""

    colour: str
    glyph: str


# Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
MEMORY_STYLES: dict[str, CategoryStyle] = {
    "host_os": CategoryStyle("#9a9a9a", "█"),
    "hypervisor": CategoryStyle("#d55e00", "▚"),
    "guest_kernel": CategoryStyle("#cc79a7", "▓"),
    "guest_services": CategoryStyle("#e69f00", "▒"),
    "guest_page_cache": CategoryStyle("#f0e442", "▞"),
    "apps": CategoryStyle("#009e73", "█"),
    "runtime": CategoryStyle("#56b4e9", "▓"),
    "shims": CategoryStyle("#56b4e9", "▄"),
    "shared_pages": CategoryStyle("#0072b2", "▒"),
    "reserved_idle": CategoryStyle("#6f6f6f", "░"),
}
DISK_STYLES: dict[str, CategoryStyle] = {
    "host_os": CategoryStyle("#9a9a9a", "█"),
    "base_images": CategoryStyle("#cc79a7", "▓"),
    "vm_disks": CategoryStyle("#d55e00", "▚"),
    "image_layers": CategoryStyle("#0072b2", "▒"),
    "writable_layers": CategoryStyle("#009e73", "█"),
}
FREE = CategoryStyle("#3a3a3a", "·")

# Boot phases on the timeline: every phase its own fill character, so the phases stay apart in monochrome
# and for any colour vision; and within one instance's bar (whichever world) no two phases share a colour.
# Okabe & Ito's seven colours plus greys for the phases that are waiting or plumbing (fetching, copying, the
# overlay, the VMM starting, snapd's seeding, the SSH keys). Unknown phases fall back to PHASE_FALLBACK.
PHASE_STYLES: dict[str, CategoryStyle] = {
    "download": CategoryStyle("#9a9a9a", "▁"),
    "pull": CategoryStyle("#9a9a9a", "▂"),
    "disk copy": CategoryStyle("#6f6f6f", "░"),
    "overlay": CategoryStyle("#6f6f6f", "▖"),
    "vmm": CategoryStyle("#d0d0d0", "▐"),
    "firmware": CategoryStyle(palette.VERMILLION, "▚"),
    "bootloader": CategoryStyle(palette.REDDISH_PURPLE, "▞"),
    "kernel": CategoryStyle(palette.BLUE, "▓"),
    "initrd": CategoryStyle(palette.YELLOW, "▄"),
    "systemd": CategoryStyle(palette.SKY_BLUE, "▒"),
    "openrc": CategoryStyle(palette.SKY_BLUE, "▜"),
    "init": CategoryStyle(palette.SKY_BLUE, "▛"),
    "snapd seeding": CategoryStyle("#b8b8b8", "▗"),
    "ssh keys": CategoryStyle("#e8e8e8", "▝"),
    "cloud-init": CategoryStyle(palette.ORANGE, "▀"),
    "create": CategoryStyle(palette.ORANGE, "▙"),
    "start": CategoryStyle(palette.VERMILLION, "▌"),
    "app": CategoryStyle(palette.BLUISH_GREEN, "█"),
}
PHASE_FALLBACK = CategoryStyle("#ffffff", "▪")

STATE_STYLES: dict[str, tuple[str, str]] = {
    # state: (symbol, colour) — the word is always shown too.
    "pending": ("…", "#9a9a9a"),
    "booting": ("▶", "#e69f00"),
    "running": ("●", "#009e73"),
    "failed": ("✗", "#d55e00"),
    "killed": ("☠", "#d55e00"),
    "stopped": ("■", "#9a9a9a"),
}
# A running instance whose app does not work (a deploy broke it): the lists, the hosts view and the help draw it so.
BROKEN_SYMBOL, BROKEN_COLOUR = "x", "#d55e00"


def fmt_speed(speed: float) -> str:
    """'1×', '0.25×', '100×'."""
    return f"{speed:g}×"
