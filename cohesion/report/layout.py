"""The board pack's typography: fonts, the status symbols the font can draw, and the colours.

DejaVu Sans is used when the system has it (it carries the status symbols ✔ ▲ ✖ ○ ↑ ↔ ↓); on a
machine without it the pack uses the PDF library's own serif font with ASCII symbols (+ ^ x o),
and the words and colours still say the status. The page layout itself (A4; every page's foot
carries the pack's name, date and "Page n of N") is in `pack.typ`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cohesion.present import status_pdf_label
from cohesion.style import DIRECTION_STYLES, SIGNAL_STYLES, STATUS_STYLES, style_for

# Where Debian, Fedora, Arch and macOS (Homebrew) put DejaVu Sans.
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"), Path("/opt/homebrew/share/fonts"), Path("/Library/Fonts"),
]
# Without a Unicode font the status symbols may not draw; these keep the shapes different.
ASCII_SYMBOLS = {"✔": "+", "▲": "^", "✖": "x", "○": "o", "↑": "^", "↔": "=", "↓": "v", "→": "->",
                 "◆": "*", "◇": "*", "●": "-"}  # the last three: early-warning signal words

# Every word a status can be: RAG, direction (counts) and early-warning signal.
ALL_STYLES = {**STATUS_STYLES, **DIRECTION_STYLES, **SIGNAL_STYLES}

INK = "#1A1A1A"
MUTED = "#555555"  # 7.5:1 on white
RULE = "#BFBFBF"
HEADER_BG = "#E8ECF4"


# Typst's own fonts; Libertinus Serif is the one it sets text in when none other is found.
FALLBACK_FONT = "Libertinus Serif"


@dataclass(frozen=True)
class Fonts:
    family: str  # CSS font-family list, for the charts' SVG text
    typst: str  # the font the pack's text is set in
    folder: Path | None  # where that font's files are (None: the PDF library's own)
    unicode_symbols: bool  # False: symbols replaced by ASCII_SYMBOLS


_FONTS: Fonts | None = None


def fonts() -> Fonts:
    """DejaVu Sans when the system has it (looked for once per process), else the PDF library's own font."""
    global _FONTS
    if _FONTS is None:
        found = next((d for d in FONT_DIRS
                      if (d / "DejaVuSans.ttf").is_file() and (d / "DejaVuSans-Bold.ttf").is_file()), None)
        _FONTS = Fonts('"DejaVu Sans", sans-serif', "DejaVu Sans", found, True) if found is not None \
            else Fonts("sans-serif", FALLBACK_FONT, None, False)
    return _FONTS


def symbol(text: str) -> str:
    """The status symbol as the chosen font can draw it."""
    return text if fonts().unicode_symbols else ASCII_SYMBOLS.get(text, text)


def status_label(status: str) -> str:
    """Word and symbol, e.g. `✔ Green` (never colour alone), from the presenter."""
    return status_pdf_label(status, symbol)


def status_colour(status: str) -> str:
    """The colour of a status pill (white bold text on it has contrast 4.5:1 or more)."""
    return style_for(status).colour
