"""HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, and one clear message when it cannot run.

WeasyPrint lays text out with the system's Pango library (Debian: `libpango-1.0-0`,
`libpangoft2-1.0-0`; `make setup` installs them when run as root). Without Pango, importing
WeasyPrint fails with an OSError after printing a banner of its own; this module imports it
quietly once per process and turns that failure into `PackUnavailable`, whose text says what to
install. The CLI prints that message and the Headlines page shows it; the rest of the app runs.

PDF/UA-1 gives a tagged PDF: headings, paragraphs, tables (TH/TD with their headers) and figures
(with the img element's alt text) in the structure tree, /MarkInfo Marked, the document title
shown in the window, the language from `<html lang>`, and the PDF/UA identification in the XMP
metadata.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
from collections.abc import Iterator
from typing import Any

PDF_VARIANT = "pdf/ua-1"

PANGO_MISSING = (
    "The board pack cannot be built: the PDF library (WeasyPrint) needs the Pango text-layout library, "
    "which is not installed on this machine. On Debian or Ubuntu run "
    "`sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0` (or `make setup` as root), "
    "then try again."
)
WEASYPRINT_MISSING = (
    "The board pack cannot be built: the PDF library (WeasyPrint) is not installed. "
    "Run `make setup` (or `.venv/bin/pip install -r requirements.txt`), then try again."
)


class PackUnavailable(RuntimeError):
    """The pack cannot be rendered on this machine; str() is the one message to show the user."""


_HTML: Any = None
_PROBLEM: str | None = None


def _import_html() -> Any:
    from weasyprint import HTML

    return HTML


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class, imported once; PackUnavailable when it (or Pango) is missing."""
    global _HTML, _PROBLEM
    if _HTML is None and _PROBLEM is None:
        banner = io.StringIO()
        try:
            # WeasyPrint prints an installation banner to stdout before raising when Pango is
            # missing; the user gets our one message instead.
            with contextlib.redirect_stdout(banner):
                html_class = _import_html()
        except ModuleNotFoundError:
            _PROBLEM = WEASYPRINT_MISSING
        except OSError:
            _PROBLEM = PANGO_MISSING
        else:
            _HTML = html_class
            # WeasyPrint logs every CSS property it ignores and every font fallback at WARNING;
            # the pack's own checks are in the tests, so only errors reach the log.
            logging.getLogger("weasyprint").setLevel(logging.ERROR)
            logging.getLogger("fontTools").setLevel(logging.ERROR)
    if _PROBLEM is not None:
        raise PackUnavailable(_PROBLEM)
    return _HTML


def require() -> None:
    """Raise PackUnavailable (with the one message to show) when the pack cannot be rendered here."""
    _weasyprint_html()


def known_unavailable() -> bool:
    """True when this process has already found that the pack cannot be rendered here."""
    return _PROBLEM is not None


def available() -> str | None:
    """None when the pack can be rendered here, else the message saying why not."""
    try:
        _weasyprint_html()
    except PackUnavailable as exc:
        return str(exc)
    return None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector off while a pack is built, back on after (if it was on).

    WeasyPrint and the chart builders allocate millions of small objects and free nearly all of
    them by reference counting; the collector's passes over them were about a sixth of the
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


def html_to_pdf(html: str) -> bytes:
    """The PDF/UA-1 bytes of an HTML document. Only data: URLs are fetched (the charts): catalogue
    text must never make the server load an address or read a file."""
    html_class = _weasyprint_html()
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return html_class(string=html, base_url=None, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)
