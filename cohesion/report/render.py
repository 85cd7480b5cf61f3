"""The pack's JSON document to a tagged PDF (PDF/UA-1) with Typst, and one clear message when it cannot run.

Typst (the `typst` wheel: the compiler built in, no system libraries) lays out `pack.typ` with the
document given as input, so the printer only ever reads the layout file and the fonts: catalogue
text cannot make it load an address or read a file. Fonts come from `layout.fonts()` (DejaVu Sans
when the system has it) and Typst's own; the system's other fonts are not scanned, which keeps the
output the same on every machine and saves the scan.

PDF/UA-1 gives a tagged PDF: headings, paragraphs, lists, tables (TH/TD, each data cell naming its
header cells) and figures (with the chart's alternative text) in the structure tree, /MarkInfo
Marked, the document title shown in the window, the language (en-GB), and the PDF/UA
identification in the XMP metadata. Typst refuses to print a PDF/UA document that breaks those
rules (an image without alternative text, say), so a layout change cannot quietly lose them.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cohesion.report.layout import fonts

PDF_STANDARD = "ua-1"
LAYOUT = Path(__file__).with_name("pack.typ")

TYPST_MISSING = (
    "The board pack cannot be built: the PDF library (Typst) is not installed. "
    "Run `make setup` (or `.venv/bin/pip install -r requirements.txt`), then try again."
)


class PackUnavailable(RuntimeError):
    """The pack cannot be rendered on this machine; str() is the one message to show the user."""


class PackFailed(RuntimeError):
    """The PDF library refused the document; str() says why in one line."""


_COMPILER: Any = None
_PROBLEM: str | None = None


def _import_typst() -> Any:
    import typst

    return typst


def _compiler() -> Any:
    """One Typst compiler per process (it keeps the fonts and the parsed layout between packs);
    PackUnavailable when Typst is missing."""
    global _COMPILER, _PROBLEM
    if _COMPILER is None and _PROBLEM is None:
        try:
            typst = _import_typst()
        except ImportError:
            _PROBLEM = TYPST_MISSING
        else:
            folder = fonts().folder
            _COMPILER = typst.Compiler(LAYOUT, root=LAYOUT.parent, font_paths=[folder] if folder else [],
                                       ignore_system_fonts=True)
    if _PROBLEM is not None:
        raise PackUnavailable(_PROBLEM)
    return _COMPILER


def require() -> None:
    """Raise PackUnavailable (with the one message to show) when the pack cannot be rendered here."""
    _compiler()


def known_unavailable() -> bool:
    """True when this process has already found that the pack cannot be rendered here."""
    return _PROBLEM is not None


def available() -> str | None:
    """None when the pack can be rendered here, else the message saying why not."""
    try:
        _compiler()
    except PackUnavailable as exc:
        return str(exc)
    return None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a pack is built, back on after (if it was on).

    The chart builders and the pack model allocate many small objects and free nearly all of
    them by reference counting; the collector's passes over them were a large share of the
    build's CPU time. The garbage left by one pack is collected once the collector is back on.
    Nested use is safe: only the outermost pause turns the collector back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def document_to_pdf(document: str, *, created: date) -> bytes:
    """The PDF/UA-1 bytes of the pack's JSON document (`markup.document`), dated `created`."""
    compiler = _compiler()
    stamp = int(datetime(created.year, created.month, created.day, tzinfo=UTC).timestamp())
    try:
        return compiler.compile(sys_inputs={"pack": document}, pdf_standards=[PDF_STANDARD], timestamp=stamp)
    except Exception as exc:  # Typst's own error type, with where in the layout it stopped
        where = re.search(r"─ (\S+:\d+:\d+)", str(getattr(exc, "diagnostic", "")))
        message = " ".join(str(getattr(exc, "message", exc)).split())
        raise PackFailed(f"the PDF could not be printed: {message}" + (f" ({where.group(1)})" if where else "")) \
            from exc


def warm_up() -> None:
    """Load the fonts and parse the layout ahead of the first pack (the engine process does this)."""
    black = "#000000"
    document = {"warm_up": True, "footer": "",
                "style": {"font": fonts().typst, "ink": black, "muted": black, "rule": black, "header_bg": black},
                "meta": {"title": "warm-up", "author": "warm-up", "subject": "warm-up", "keywords": []}}
    document_to_pdf(json.dumps(document), created=date(2000, 1, 1))
