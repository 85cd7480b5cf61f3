"""The board pack's typography and building blocks: fonts, paragraph styles, tables, status cells.

Every piece of catalogue or data text goes through `para()`, which escapes it: reportlab's
Paragraph reads a small markup language, so unescaped text such as "<b>" or "&" from a YAML
file would otherwise be interpreted (or break the build). Tables are real reportlab Tables, so
their text is selectable and searchable in any PDF reader.

DejaVu Sans is used when the system has it (it carries the status symbols ✔ ▲ ✖ ○ ↑ ↔ ↓); on a
machine without it the pack falls back to Helvetica with ASCII symbols, and the words and
colours still say the status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from cohesion.style import style_for

# Where Debian, Fedora, Arch and macOS (Homebrew) put DejaVu Sans.
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/TTF"), Path("/opt/homebrew/share/fonts"), Path("/Library/Fonts"),
]
# Without a Unicode font, Helvetica cannot draw the status symbols; these keep shape differences.
ASCII_SYMBOLS = {"✔": "+", "▲": "^", "✖": "x", "○": "o", "↑": "^", "↔": "=", "↓": "v", "→": "->",
                 "◆": "*", "◇": "*", "●": "-"}  # the last three: early-warning signal words

INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#BFBFBF")
HEADER_BG = colors.HexColor("#E8ECF4")
PAGE_MARGIN = 16 * mm


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    unicode_symbols: bool  # False: Helvetica fallback, symbols replaced by ASCII_SYMBOLS


_FONTS: Fonts | None = None


def fonts() -> Fonts:
    """Register DejaVu Sans once per process if the system has it; else use Helvetica."""
    global _FONTS
    if _FONTS is None:
        regular = next((d / "DejaVuSans.ttf" for d in FONT_DIRS if (d / "DejaVuSans.ttf").is_file()), None)
        bold = regular.with_name("DejaVuSans-Bold.ttf") if regular else None
        if regular and bold and bold.is_file():
            pdfmetrics.registerFont(TTFont("PackSans", str(regular)))
            pdfmetrics.registerFont(TTFont("PackSans-Bold", str(bold)))
            pdfmetrics.registerFontFamily("PackSans", normal="PackSans", bold="PackSans-Bold")
            _FONTS = Fonts("PackSans", "PackSans-Bold", True)
        else:
            _FONTS = Fonts("Helvetica", "Helvetica-Bold", False)
    return _FONTS


def symbol(text: str) -> str:
    """The status symbol as the chosen font can draw it."""
    return text if fonts().unicode_symbols else ASCII_SYMBOLS.get(text, text)


def styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=f.bold, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base, fontName=f.bold, fontSize=8.5, leading=10.5),
        "status": ParagraphStyle("status", parent=base, fontName=f.bold, fontSize=8.5, leading=10.5,
                                 textColor=colors.white),
        "title": ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=24, leading=29, spaceAfter=8),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17, textColor=MUTED, spaceAfter=14),
        "h1": ParagraphStyle("h1", parent=base, fontName=f.bold, fontSize=16, leading=20, spaceBefore=4, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=f.bold, fontSize=11.5, leading=14.5, spaceBefore=8,
                             spaceAfter=4),
        "caption": ParagraphStyle("caption", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED, spaceAfter=8),
    }


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, so catalogue or data text is never read as markup."""
    return Paragraph(escape(str(text)), style)


def rich(parts: list[tuple[str, bool]], style: ParagraphStyle) -> Paragraph:
    """A paragraph of (text, bold) runs; each run is escaped before the bold tag is added.

    A newline in a run becomes a line break.
    """
    runs = (escape(t).replace("\n", "<br/>") for t, _ in parts)
    return Paragraph("".join(f"<b>{r}</b>" if bold else r for r, (_, bold) in zip(runs, parts, strict=True)), style)


def status_label(status: str) -> str:
    """Word and symbol, e.g. `✔ Green` (never colour alone). Non-status words are shown as they are."""
    style = style_for(status)
    return f"{symbol(style.symbol)} {status}" if style.label == status else status


def status_colour(status: str) -> colors.Color:
    return colors.HexColor(style_for(status).colour)


def data_table(header: list[str], rows: list[list[object]], widths: list[float],
               status_column: int | None = None, statuses: list[str] | None = None) -> Table:
    """A real table with a repeated header row; the status column gets its colour per row.

    `rows` hold strings (escaped here) or ready flowables. `statuses[i]` colours row i's status cell.
    """
    st = styles()
    body = [[para(h, st["head"]) for h in header]]
    for row in rows:
        cells = []
        for col, cell in enumerate(row):
            if isinstance(cell, Flowable):
                cells.append(cell)
            elif col == status_column:
                cells.append(para(cell, st["status"]))
            else:
                cells.append(para(cell, st["cell"]))
        body.append(cells)
    table = Table(body, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if status_column is not None and statuses:
        for i, status in enumerate(statuses, start=1):
            commands.append(("BACKGROUND", (status_column, i), (status_column, i), status_colour(status)))
    table.setStyle(TableStyle(commands))
    return table


class Bookmark(Flowable):
    """Zero-size flowable that adds a PDF outline entry (bookmark) where it is drawn."""

    def __init__(self, title: str, key: str, level: int = 0):
        super().__init__()
        self.title, self.key, self.level = title, key, level
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv.bookmarkPage(self.key)
        self.canv.addOutlineEntry(self.title, self.key, level=self.level, closed=False)


def footer(text: str):
    """A page callback drawing `text` and the page number at the foot of every page."""

    def draw(canvas, doc) -> None:  # reportlab's onPage signature
        canvas.saveState()
        canvas.setFont(fonts().regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(PAGE_MARGIN, 9 * mm, text)
        canvas.drawRightString(doc.pagesize[0] - PAGE_MARGIN, 9 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw
