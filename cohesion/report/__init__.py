"""The board pack: `build_board_pack(...) -> bytes` (a tagged PDF), used by the CLI and the Headlines page.

`PackUnavailable` is raised, with one message for the user, when the PDF library cannot run here.
"""

from cohesion.report.pack import build_board_pack
from cohesion.report.render import PackUnavailable

__all__ = ["PackUnavailable", "build_board_pack"]
