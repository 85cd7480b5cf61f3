"""`python -m cohesion report --out FILE.pdf [--today YYYY-MM-DD]`: write the board pack.

Reads the catalogue, the live store, the action log and the latest held meeting (for "changed
since the last meeting"), builds the PDF and prints where it went, how many pages and how long
it took. Problems come back as one message and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import time
import zlib
from datetime import date
from pathlib import Path

from cohesion.report import engine, render


def count_pages(pdf: bytes) -> int:
    """Pages in a PDF: the page tree's /Count, looked for in the file and in its compressed object
    streams (about 20 ms for the pack); pypdf (the test tools) only if that finds none, as
    importing it and reading the file took ten times as long."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompressobj().decompress(pdf[match.end():]))
    # The page tree's root is the dictionary holding both /Type /Pages and /Count (outlines have
    # a /Count too, but no /Type /Pages).
    counts = [int(count) for chunk in chunks for dictionary in re.findall(rb"<<(?:(?!<<|>>).)*>>", chunk, re.S)
              if re.search(rb"/Type\s*/Pages\b", dictionary)
              for count in re.findall(rb"/Count\s+(\d+)", dictionary)]
    if counts:
        return max(counts)
    try:
        from pypdf import PdfReader
    except ImportError:
        return 0
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    # The garbage collector waits until the pack is written, imports included (see
    # render.gc_paused): hence the pack's modules are imported inside the function.
    with render.gc_paused():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    # The second process (charts and PDF, see engine.py) starts first, so its start-up runs
    # beside this process's imports; it is ended at once if the command stops early.
    pack_engine = None if render.known_unavailable() else engine.start()
    if pack_engine is None:
        return _build(argv, None)
    with pack_engine:
        return _build(argv, pack_engine)


def _build(argv: list[str] | None, pack_engine: engine.Engine | None) -> int:
    from cohesion.meeting.cli import parse_day

    parser = argparse.ArgumentParser(prog="python -m cohesion report", description="Build the board pack PDF.")
    parser.add_argument("--out", required=True, help="where to write the PDF, e.g. out/board-pack.pdf")
    parser.add_argument("--today", type=parse_day, default=date.today(),
                        help="the date statuses are assessed at and printed on the cover (default today)")
    args = parser.parse_args(argv)
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".pdf":
        print(f"--out {args.out}: expected a file name ending in .pdf")
        return 2
    from cohesion.catalogue import CatalogueError
    from cohesion.report.pack import build_current_pack

    started = time.perf_counter()
    try:
        try:
            pdf, warnings = build_current_pack(today=args.today, engine=pack_engine)
        except engine.EngineStopped:  # the second process failed to answer: build it all here
            pdf, warnings = build_current_pack(today=args.today)
    except CatalogueError as exc:
        print(f"The catalogue has {len(exc.problems)} problem(s); fix them first:")
        for problem in exc.problems:
            print(f"  {problem}")
        return 2
    except render.PackUnavailable as exc:
        print(exc)
        return 1
    except render.PackFailed as exc:
        print(f"The board pack could not be built: {exc}")
        return 1
    for warning in warnings:
        print(f"warning: {warning}")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as exc:
        print(f"Could not write {out}: {exc.strerror or exc}")
        return 1
    seconds = time.perf_counter() - started
    print(f"Wrote {out}: {count_pages(pdf)} pages, {len(pdf) / 1024:,.0f} KB, in {seconds:.1f} s")
    return 0
