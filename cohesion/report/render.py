"""The pack's JSON document to a tagged PDF (PDF/UA-1) with Typst, and one clear message when it cannot run.

Typst (the `typst` wheel: the compiler built in, no system libraries) lays out `pack.typ` with the
document given as input, so the printer only ever reads the layout file and the fonts: catalogue
text cannot make it load an address or read a file. The text is set in `layout.fonts()` (DejaVu
Sans when the system has it, else Typst's own); the system's other fonts draw what it lacks.

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
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

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
# One pack at a time per compiler: it is one Rust object, which refuses a second caller while it
# works (the dashboard prints in its own process, but may fall back to printing here).
_PRINTING = threading.Lock()


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
            # The system's fonts too: text in a script DejaVu Sans lacks is drawn in a font that has it.
            _COMPILER = typst.Compiler(LAYOUT, root=LAYOUT.parent, font_paths=[folder] if folder else [])
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


class Printed(NamedTuple):
    pdf: bytes
    warnings: list[str]  # for the person who asked for the pack (characters no font could draw)


def document_to_pdf(document: str, *, created: date) -> Printed:
    """The PDF/UA-1 bytes of the pack's JSON document (`markup.document`), dated `created`.

    PDF/UA-1 forbids text no font can draw. Should someone's text hold such characters (a script
    the machine has no font for, an emoji), the pack is printed anyway, still tagged but not
    claiming PDF/UA-1, and a warning names the characters and the fonts to install: the board
    still gets its pack, and nothing anyone wrote is left out of it.
    """
    compiler = _compiler()
    stamp = int(datetime(created.year, created.month, created.day, tzinfo=UTC).timestamp())
    with _PRINTING:
        try:
            return Printed(compiler.compile(sys_inputs={"pack": document}, pdf_standards=[PDF_STANDARD],
                                            timestamp=stamp), [])
        except Exception as exc:  # Typst's own error type, with where in the layout it stopped
            undrawable = _undrawable(exc)
            if not undrawable:
                raise _failed(exc) from exc
        try:
            pdf = compiler.compile(sys_inputs={"pack": document}, timestamp=stamp)
        except Exception as exc:
            raise _failed(exc) from exc
    listed = ", ".join(undrawable)
    return Printed(pdf, [f"No font on this machine can draw {listed}: they show as empty boxes in the pack, which "
                         "is tagged for screen readers but not marked PDF/UA-1. Installing fonts for them (on "
                         "Debian: fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji) fixes both."])


def _undrawable(exc: Exception) -> list[str]:
    """The characters Typst found no font for, from its error (empty: some other problem)."""
    found = re.findall(r'the text `"(.+?)"` could not be displayed with font', str(getattr(exc, "diagnostic", exc)))
    # Typst writes characters it cannot show as \u{hex}
    text = "".join(re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), part) for part in found)
    return [f"{char} (U+{ord(char):04X})" if char.isprintable() else f"U+{ord(char):04X}"
            for char in dict.fromkeys(text) if not char.isspace()]


def _failed(exc: Exception) -> PackFailed:
    where = re.search(r"─ (\S+:\d+:\d+)", str(getattr(exc, "diagnostic", "")))
    message = " ".join(str(getattr(exc, "message", exc)).split())
    return PackFailed(f"the PDF could not be printed: {message}" + (f" ({where.group(1)})" if where else ""))


def warm_up() -> None:
    """Load the fonts and parse the layout ahead of the first pack (the engine process does this)."""
    black = "#000000"
    document = {"warm_up": True, "footer": "",
                "style": {"font": fonts().typst, "ink": black, "muted": black, "rule": black, "header_bg": black},
                "meta": {"title": "warm-up", "author": "warm-up", "subject": "warm-up", "keywords": []}}
    document_to_pdf(json.dumps(document), created=date(2000, 1, 1))
