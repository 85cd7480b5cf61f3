"""`python -m cohesion <command>`: validate, refresh, status, bench, report, spaces, geo.

Each command lives in the module that owns its logic; this file only dispatches, so adding a
command never means editing another feature's code. Errors reach the user as one clear message
and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from pathlib import Path

from cohesion import config

# command -> ("module:function taking argv list and returning an exit code", help)
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("cohesion.cli:validate_main", "check indicators.yaml and list every problem"),
    "refresh": ("cohesion.cli:refresh_main", "load every source into the processed store"),
    "status": ("cohesion.status.cli:main", "every indicator's and priority's status (--json)"),
    "bench": ("benchmarks.run:main", "print timing and memory benchmarks (top-level benchmarks/ folder)"),
    "report": ("cohesion.report.cli:main", "build the board pack PDF (--out FILE.pdf)"),
    "spaces": ("cohesion.spaces.cli:main", "community spaces: `spaces check FILE`"),
    "geo": ("cohesion.geo.cli:main", "fetch or import boundaries, postcodes, deprivation"),
    "meeting": ("cohesion.meeting.cli:main", "mark a meeting held, list actions, show what changed"),
    "national": ("cohesion.national.build:main", "rebuild data/national/ from the publishers' files"),
    "init": ("cohesion.national.init:main", "write a catalogue for another council (--place CODE_OR_NAME)"),
    "police": ("cohesion.loaders.police_uk_cli:main", "police.uk street files: fetch or import a month, status"),
}

# Commands whose process ends without the interpreter's clean-up (see __main__.py): they leave no
# open file or connection behind once their output is written.
QUICK_EXIT = frozenset({"report"})


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
    from cohesion.refresh import format_report, format_summary, has_failures, refresh

    parser = argparse.ArgumentParser(prog="python -m cohesion refresh")
    parser.add_argument("--catalogue", default=str(config.CATALOGUE_PATH))
    parser.add_argument("--quiet", action="store_true", help="no progress lines; one summary line unless something failed")
    parser.add_argument("--accept-shrink", action="store_true",
                        help="let a source's new load replace its last good one even when it has far fewer rows")
    parser.add_argument("--max-shrink", type=_share, default=None, metavar="SHARE",
                        help="largest drop in a source's rows (0-1) taken without --accept-shrink (default 0.5)")
    args = parser.parse_args(argv)
    options = {"accept_shrink": args.accept_shrink}
    if args.max_shrink is not None:
        options["max_shrink"] = args.max_shrink
    try:
        manifest = refresh(Path(args.catalogue), progress=(lambda _m: None) if args.quiet else _progress, **options)
    except CatalogueError as exc:
        print(f"Refresh stopped: the catalogue has {len(exc.problems)} problem(s); the store was not changed.")
        for problem in exc.problems:
            print(f"  {problem}")
        return 2
    except OSError as exc:
        print(f"Refresh stopped: {describe_os_error(exc)}; the previous store version stays live.", file=sys.stderr)
        return 3
    # --quiet (used by `make run`): one line, the full report only when something failed.
    print(format_report(manifest) if not args.quiet or has_failures(manifest) else format_summary(manifest))
    return 1 if has_failures(manifest) else 0


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a share; expected a number from 0 to 1, e.g. 0.5")
    return value


_ADVICE = {
    errno.ENOSPC: ("the disk is full", "free some space and run it again"),
    errno.EDQUOT: ("the disk quota is used up", "free some space and run it again"),
    errno.EROFS: ("the disk is read-only", "run it where the data folder can be written"),
    errno.EACCES: ("permission denied", "run it as a user who may write the data folder"),
    errno.EPERM: ("permission denied", "run it as a user who may write the data folder"),
}


def describe_os_error(exc: OSError) -> str:
    """One line for a failed read or write: what went wrong, where, and what to do."""
    problem, advice = _ADVICE.get(exc.errno or 0, (exc.strerror or str(exc), "check the disk and run it again"))
    where = f" at {os.fsdecode(exc.filename)}" if exc.filename else ""
    return f"{problem}{where}; {advice}"


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
    if module_name.startswith("benchmarks.") and str(config.PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(config.PROJECT_ROOT))  # benchmarks/ sits beside the package, not in it
    try:
        handler = getattr(importlib.import_module(module_name), func)
    except (ImportError, AttributeError) as exc:
        print(f"'{argv[0]}' is not available in this build ({exc})")
        return 2
    try:
        return int(handler(argv[1:]) or 0)
    except OSError as exc:  # disk full or read-only in any command: one line, not a traceback
        print(f"{argv[0]} stopped: {describe_os_error(exc)}", file=sys.stderr)
        return 3
    except Exception as exc:  # a bug: still one line for the user; COHESION_DEBUG=1 shows the traceback
        if os.environ.get("COHESION_DEBUG"):
            raise
        print(f"{argv[0]} stopped by an unexpected error ({type(exc).__name__}: {exc}). Run it again with "
              "COHESION_DEBUG=1 for details, and report it.", file=sys.stderr)
        return 4
