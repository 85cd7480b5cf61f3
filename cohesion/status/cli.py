"""`python -m cohesion status [--json] [--today YYYY-MM-DD]`: every indicator's and priority's status.

Reads the live store and the catalogue, plus the Delivery Group's `manual_status.csv` in the
data folder. Plain text by default (one line per result, for a quick look in a terminal);
`--json` for automation and checking. Problems are one clear message and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from cohesion import config, query
from cohesion.catalogue import CatalogueError, load_catalogue
from cohesion.present import grey_reason_text
from cohesion.status.service import assess_current
from cohesion.style import style_for


def _today(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; expected YYYY-MM-DD") from None


def build_report(today: date) -> tuple[dict[str, Any], list[str]]:
    """Everything the command prints, as plain data, and any warnings (e.g. a bad manual file)."""
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    # The one status service the pages use, so the command and the screen never disagree.
    bundle = assess_current(catalogue, today)
    results, priorities, grid, warnings = bundle.results, bundle.priorities, bundle.grid, bundle.problems
    report = {
        "today": today.isoformat(),
        "place": catalogue.place.name,
        "store_version": query.store_version(),
        "indicators": {k: {**v.to_dict(), "grey_reason_text": grey_reason_text(v.grey_reason) if v.status == "Grey"
                           else None} for k, v in results.items()},
        "priorities": {k: v.to_dict() for k, v in priorities.items()},
        "dimensions": {k: v.to_dict() for k, v in bundle.dimensions.items()},
        "grid": grid.to_dict(orient="records"),
        "warnings": warnings,
    }
    return report, warnings


def format_text(report: dict[str, Any]) -> str:
    """A terminal summary: priorities first (the meeting's order), then each indicator."""
    lines = [f"Status for {report['place']} on {report['today']} (store {report['store_version'] or 'empty'})", "",
             "Priorities"]
    for pid, p in report["priorities"].items():
        flag = "  [Red flagged]" if p["any_red"] else ""
        lines.append(f"  {style_for(p['status']).symbol} {p['status']:6} {pid:36} {p['coverage_text']}{flag}")
    lines += ["", "Indicators"]
    for iid, r in report["indicators"].items():
        lines.append(f"  {style_for(r['status']).symbol} {r['status']:7} {iid:36} {r['rule']:12} {r['sentence']}")
    if report["warnings"]:
        lines += ["", "Warnings"] + [f"  {w}" for w in report["warnings"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cohesion status",
                                     description="every indicator's and priority's status")
    parser.add_argument("--json", action="store_true", help="print JSON for automation")
    parser.add_argument("--today", type=_today, default=date.today(),
                        help="assess as on this date (YYYY-MM-DD); default today")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        report, warnings = build_report(args.today)
    except CatalogueError as exc:
        print(f"Status stopped: the catalogue has {len(exc.problems)} problem(s).", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"Status stopped: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_clean(report), indent=2, allow_nan=False))
    else:
        print(format_text(report))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 1 if warnings else 0


def _clean(value: Any) -> Any:
    """Plain JSON values: numpy numbers unwrapped, dates as ISO text, NaN and infinities as null."""
    import math

    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isinf(value) or math.isnan(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)
