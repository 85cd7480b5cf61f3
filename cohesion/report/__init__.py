"""The board pack: `build_board_pack(...) -> bytes` (a tagged PDF), used by the CLI and the Headlines page.

`PackUnavailable` is raised, with one message for the user, when the PDF library cannot run here.
Both are imported on first use, so `python -m cohesion report` can pause the garbage collector
before the pack's libraries (pandas, Altair, Typst) load.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PackUnavailable", "build_board_pack"]


def __getattr__(name: str) -> Any:
    if name == "build_board_pack":
        from cohesion.report.pack import build_board_pack

        return build_board_pack
    if name == "PackUnavailable":
        from cohesion.report.render import PackUnavailable

        return PackUnavailable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
