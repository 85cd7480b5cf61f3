"""Vega-Lite specs to SVG with vl-convert (no browser), and starting vl-convert early.

vl-convert's first call in a process starts its JavaScript engine: about 0.45 s of CPU, a third
of the pack's chart time. It runs in Rust without holding the GIL, so `warm_up()` starts it on a
background thread while the pack imports its libraries and reads the store; the first chart then
finds it ready. This module imports nothing heavy, so the CLI can call `warm_up()` first thing.
"""

from __future__ import annotations

import threading
from typing import Any

_TINY_SPEC = {"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}
_warm: threading.Thread | None = None
_lock = threading.Lock()


def _start_engine() -> None:
    try:
        import vl_convert

        vl_convert.vegalite_to_svg(_TINY_SPEC)
    except Exception:  # only a head start: the first real chart raises (and is reported) if it fails
        pass


def warm_up() -> None:
    """Start vl-convert's engine on a background thread, once per process; returns at once."""
    global _warm
    with _lock:
        if _warm is None:
            _warm = threading.Thread(target=_start_engine, name="vl-convert-warm-up", daemon=True)
            _warm.start()


def to_svg(spec: dict[str, Any]) -> str:
    """The SVG document of a Vega-Lite spec (text, so WeasyPrint draws it as vectors)."""
    import vl_convert

    if _warm is not None:
        _warm.join()  # the engine is one per process: let the warm-up finish rather than race it
    return vl_convert.vegalite_to_svg(spec)
