"""``python -m vmsim.engine.data``: write the parsed copy of catalog.toml after editing it."""

import pprint
import tomllib

from vmsim.engine.catalog import CATALOG_TOML, PARSED_COPY, checksum


def parsed_copy_source(text: str) -> str:
    """The Python source of the parsed copy of catalog.toml's ``text``."""
    data = tomllib.loads(text)
    return (
        '"""catalog.toml, parsed: written by ``python -m vmsim.engine.data``; do not edit (see catalog_data)."""\n'
        "\n"
        f"CHECKSUM = {checksum(text)!r}\n"
        "\n"
        f"DATA = {pprint.pformat(data, width=120, sort_dicts=False)}\n"
    )


PARSED_COPY.write_text(parsed_copy_source(CATALOG_TOML.read_text(encoding="utf-8")), encoding="utf-8")
print(f"wrote {PARSED_COPY}")
