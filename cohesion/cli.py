"""`python -m cohesion <command>`: validate, refresh, status, bench, report, spaces, geo.

Each command lives in the module that owns its logic; this file only dispatches, so adding a
command never means editing another feature's code. Errors reach the user as one clear message
and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from cohesion import config

# command -> ("module:function taking argv list and returning an exit code", help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("cohesion.cli:validate_main", "check indicators.yaml and list every problem"),
    "refresh": ("cohesion.cli:refresh_main", "load every source into the processed store"),
    "status": ("cohesion.status.cli:main", "every indicator's and priority's status (--json)"),
    "bench": ("cohesion.bench:main", "print timing and memory benchmarks"),
    "report": ("cohesion.report.cli:main", "build the board pack PDF (--out FILE.pdf)"),
    "spaces": ("cohesion.spaces.cli:main", "community spaces: `spaces check FILE`"),
    "geo": ("cohesion.geo.cli:main", "fetch or import boundaries, postcodes, deprivation"),
    "meeting": ("cohesion.meeting.cli:main", "mark a meeting held, list actions, show what changed"),
}


def validate_main(argv: list[str]) -> int:
    from cohesion.catalogue import validate_file

    parser = argparse.ArgumentParser(prog="python -m cohesion validate")
    parser.add_argument("path", nargs="?", default=str(config.CATALOGUE_PATH))
    args = parser.parse_args(argv)
    catalogue, problems = validate_file(Path(args.path))
    if problems:
        print(f"{args.path}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {problem}")
        return 1
    assert catalogue is not None
    print(
        f"{args.path}: valid: {len(catalogue.indicators)} indicators "
        f"({len(catalogue.headline_indicators())} headline), {len(catalogue.dimensions)} dimensions, "
        f"{len(catalogue.priorities)} priorities, {len(catalogue.sources)} sources for {catalogue.place.name}"
    )
    return 0


def refresh_main(argv: list[str]) -> int:
    from cohesion.catalogue import CatalogueError
    from cohesion.refresh import format_report, has_failures, refresh

    parser = argparse.ArgumentParser(prog="python -m cohesion refresh")
    parser.add_argument("--catalogue", default=str(config.CATALOGUE_PATH))
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    try:
        manifest = refresh(Path(args.catalogue), progress=(lambda _m: None) if args.quiet else _progress)
    except CatalogueError as exc:
        print(f"Refresh stopped: the catalogue has {len(exc.problems)} problem(s); the store was not changed.")
        for problem in exc.problems:
            print(f"  {problem}")
        return 2
    print(format_report(manifest))
    return 1 if has_failures(manifest) else 0


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m cohesion <command> [options]\n\ncommands:")
        for name, (_target, help_text) in COMMANDS.items():
            print(f"  {name:10} {help_text}")
        return 0 if not argv or argv[0] in ("-h", "--help") else 2
    target, _help = COMMANDS[argv[0]]
    module_name, _, func = target.partition(":")
    try:
        handler = getattr(importlib.import_module(module_name), func)
    except (ImportError, AttributeError) as exc:
        print(f"'{argv[0]}' is not available in this build ({exc})")
        return 2
    return int(handler(argv[1:]) or 0)
