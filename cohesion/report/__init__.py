"""The board pack: `build_board_pack(...) -> bytes` (a PDF), used by the CLI and the Headlines page."""

from cohesion.report.pack import build_board_pack

__all__ = ["build_board_pack"]
