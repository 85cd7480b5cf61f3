"""The board pack's typography: fonts, the status symbols the font can draw, and the stylesheet.

DejaVu Sans is used when the system has it (it carries the status symbols ✔ ▲ ✖ ○ ↑ ↔ ↓); on a
machine without it the pack uses the system's sans-serif with ASCII symbols (+ ^ x o), and the
words and colours still say the status. Page size A4; every page's foot carries the pack's
name, date and "Page n of N".
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True)
class Fonts:
    family: str  # CSS font-family list
    unicode_symbols: bool  # False: symbols replaced by ASCII_SYMBOLS


_FONTS: Fonts | None = None


def fonts() -> Fonts:
    """DejaVu Sans when the system has it (looked for once per process), else the system sans-serif."""
    global _FONTS
    if _FONTS is None:
        found = any((d / "DejaVuSans.ttf").is_file() and (d / "DejaVuSans-Bold.ttf").is_file() for d in FONT_DIRS)
        _FONTS = Fonts('"DejaVu Sans", sans-serif', True) if found else Fonts("sans-serif", False)
    return _FONTS


def symbol(text: str) -> str:
    """The status symbol as the chosen font can draw it."""
    return text if fonts().unicode_symbols else ASCII_SYMBOLS.get(text, text)


def status_label(status: str) -> str:
    """Word and symbol, e.g. `✔ Green` (never colour alone), from the presenter."""
    return status_pdf_label(status, symbol)


def status_class(status: str) -> str:
    """CSS class giving a status pill its colour (white text, contrast 4.5:1 or more)."""
    return "status-" + re.sub(r"[^a-z0-9]+", "-", style_for(status).label.lower()).strip("-")


def css_string(text: str) -> str:
    """`text` as a CSS string literal: quotes, backslashes and control characters escaped."""
    out = []
    for char in str(text):
        if char in '"\\' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def stylesheet(footer: str) -> str:
    """The pack's CSS; `footer` is written at the foot of every page."""
    statuses = "\n".join(f".{status_class(name)} {{ background: {s.colour}; color: #FFFFFF; }}"
                         for name, s in ALL_STYLES.items())
    return f"""
@page {{
  size: A4; margin: 15mm 15mm 18mm 15mm;
  @bottom-left {{ content: {css_string(footer)}; font-size: 7.5pt; color: {MUTED}; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 7.5pt; color: {MUTED}; }}
}}
html {{ font-family: {fonts().family}; font-size: 9pt; line-height: 1.3; color: {INK}; }}
body {{ margin: 0; }}
h1 {{ font-size: 15pt; line-height: 1.2; margin: 0 0 2mm; bookmark-level: 1; break-after: avoid; }}
h1.title {{ font-size: 20pt; bookmark-label: "Summary for the board"; }}
h2 {{ font-size: 11pt; margin: 4mm 0 1.5mm; bookmark-level: none; break-after: avoid; }}
p {{ margin: 0 0 2mm; }}
.subtitle {{ font-size: 11pt; color: {MUTED}; margin-bottom: 3mm; }}
.small, .caption {{ font-size: 7.5pt; color: {MUTED}; }}
section.priority {{ margin-top: 9mm; }}
.head, .keep {{ break-inside: avoid; }}
.head {{ break-after: avoid; }}
h1.after {{ margin-top: 9mm; }}
.glance {{ margin: 0 0 2mm; padding: 2mm 3mm; background: {HEADER_BG}; }}
.glance p {{ margin: 0 0 1mm; font-size: 9.5pt; }}
.missing {{ font-size: 8pt; color: {INK}; border-left: 2pt solid {RULE}; padding-left: 2mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 2mm; }}
th, td {{ text-align: left; vertical-align: top; padding: 1mm 1.2mm; border-bottom: 0.4pt solid {RULE};
          font-size: 8pt; overflow-wrap: break-word; }}
th {{ background: {HEADER_BG}; font-weight: bold; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
.pill {{ font-weight: bold; padding: 0.2mm 1.2mm; border-radius: 1mm; line-height: 1.45; }}
table.counts {{ width: auto; margin: 1mm 0 2mm; background: #FFFFFF; }}
table.counts th, table.counts td {{ padding: 1mm 2.5mm; text-align: center; font-size: 9pt; }}
table.counts th[scope="row"] {{ text-align: left; }}
td .source {{ display: block; color: {MUTED}; font-size: 7pt; }}
td.nowrap {{ white-space: nowrap; }}
ul {{ margin: 0 0 2mm; padding-left: 5mm; }}
.chart {{ display: inline-block; vertical-align: top; width: 88mm; margin: 0 1.5mm 3mm 0;
          break-inside: avoid; }}
.chart p.chart-title {{ font-weight: bold; font-size: 8pt; margin: 0 0 1mm; }}
.chart img {{ max-width: 88mm; height: auto; display: block; }}
{statuses}
"""
