"""Roll indicator statuses up to priorities, dimensions and the priority x dimension grid.

The rule (shown on the Priorities page too), after Open SDG's average of scores:

- Each assessed indicator scores Green = 1, Amber = 0.5, Red = 0.
- Grey results and direction-only results (Higher / Similar / Lower, for indicators where
  neither direction is "good") are not assessed and do not count towards the score.
- The priority's score is the mean of its assessed indicators' scores: >= 0.75 Green,
  >= 0.4 Amber, otherwise Red.
- Nothing assessed: Grey, never Green.
- Any Red contributing indicator is flagged on the priority, whatever the average.
- Minimum coverage: a status needs at least `rollup.min_coverage` of the priority's indicators
  assessed (catalogue setting, default half, rounded up). With fewer, the priority is Grey with
  the reason "Not enough evidence", never Red or Green on one indicator in four.
- Coverage is written in plain words: "2 of 4 assessed: 1 Red, 1 Amber".
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from cohesion.catalogue.models import DEFAULT_MIN_COVERAGE, Catalogue
from cohesion.status.result import GREY_REASON_TEXT, PriorityResult, StatusResult

SCORES: dict[str, float] = {"Green": 1.0, "Amber": 0.5, "Red": 0.0}
GREEN_FROM = 0.75
AMBER_FROM = 0.4

NOT_ENOUGH_EVIDENCE = "not_enough_evidence"  # the priority's grey reason below minimum coverage


def rule_text(min_coverage: float = DEFAULT_MIN_COVERAGE) -> str:
    """The roll-up rule in plain words, with the catalogue's minimum coverage."""
    return (
        "A priority's status comes from its assessed indicators. Each counts Green 1, Amber ½, Red 0, and "
        f"their average decides: {GREEN_FROM} or more is Green, {AMBER_FROM} or more is Amber, below that Red "
        "(so one Green and one Red make Amber). Grey indicators, and indicators that show only a direction "
        "(Higher / Similar / Lower), are not assessed and do not count. "
        f"At least {rule_share(min_coverage)} of a priority's indicators must be assessed; with fewer, "
        "the priority reads \"Not enough evidence\" (Grey) rather than Red, Amber or Green. A priority with "
        "nothing assessed is Grey, and any Red indicator is flagged whatever the average."
    )


def rule_share(share: float) -> str:
    """A share in words: 0.5 -> 'half', 0.25 -> 'a quarter', 0.6 -> '60%'."""
    words = {0.25: "a quarter", 0.5: "half", 0.75: "three quarters", 1.0: "all"}
    return words.get(round(share, 4), f"{share:.0%}")


ROLL_UP_RULE_TEXT = rule_text()


def needed_for_status(total: int, min_coverage: float = DEFAULT_MIN_COVERAGE) -> int:
    """How many of `total` indicators must be assessed for a Red/Amber/Green roll-up (at least 1)."""
    return max(1, math.ceil(total * min_coverage - 1e-9)) if total else 0



def status_from_score(score: float | None) -> str:
    """Green / Amber / Red from a mean score; Grey when there is no score."""
    if score is None:
        return "Grey"
    return "Green" if score >= GREEN_FROM else ("Amber" if score >= AMBER_FROM else "Red")


def combine(key: str, indicator_ids: Iterable[str], results: dict[str, StatusResult],
            what: str = "priority", min_coverage: float = DEFAULT_MIN_COVERAGE) -> PriorityResult:
    """Roll the given indicators' results into one result (used for priorities, dimensions, cells).

    Below minimum coverage (`needed_for_status`) the result is Grey with grey_reason
    NOT_ENOUGH_EVIDENCE; the score is still kept for the record, and a Red is still flagged.
    """
    ids = tuple(indicator_ids)
    scored = [(i, SCORES[results[i].status]) for i in ids if i in results and results[i].status in SCORES]
    counts = {s: sum(1 for i, _ in scored if results[i].status == s) for s in SCORES}
    reds = [i for i, s in scored if s == 0.0]
    total, assessed = len(ids), len(scored)
    score = sum(s for _, s in scored) / assessed if assessed else None
    needed = needed_for_status(total, min_coverage)
    status = status_from_score(score) if assessed >= needed else "Grey"
    grey_reason = None
    plural = "s" if total != 1 else ""
    mix = ", ".join(f"{counts[s]} {s}" for s in ("Red", "Amber", "Green") if counts.get(s))
    verb = "is" if assessed == 1 else "are"
    flagged = f" {len(reds)} Red indicator{'s' if len(reds) != 1 else ''} flagged." if reds else ""
    if total == 0:
        sentence = f"Grey: no indicators are linked to this {what} yet."
        grey_reason = "no_data"
    elif assessed == 0:
        sentence = f"Grey: none of its {total} indicator{plural} can be assessed yet ({_why_not(ids, results)})."
        grey_reason = "no_data"
    elif assessed < needed:
        grey_reason = NOT_ENOUGH_EVIDENCE
        sentence = (f"Grey: not enough evidence. Only {assessed} of its {total} indicator{plural} {verb} assessed "
                    f"({mix}); a status needs at least {needed}.{flagged}")
    else:
        sentence = f"{status}: {assessed} of its {total} indicator{plural} {verb} assessed ({mix}).{flagged}"
    return PriorityResult(priority_id=key, status=status, score=None if score is None else round(score, 4),
                          assessed=assessed, total=total, any_red=bool(reds), sentence=sentence, indicator_ids=ids,
                          counts={s: n for s, n in counts.items() if n}, needed=needed, grey_reason=grey_reason)


def _why_not(ids: tuple[str, ...], results: dict[str, StatusResult]) -> str:
    labels = {code: text.lower() for code, text in GREY_REASON_TEXT.items()}
    counts: dict[str, int] = {}
    for i in ids:
        r = results.get(i)
        label = "not assessed" if r is None else (
            "direction only" if r.status not in ("Grey", *SCORES) else labels.get(r.grey_reason or "", "not assessed"))
        counts[label] = counts.get(label, 0) + 1
    return ", ".join(f"{n} {label}" for label, n in counts.items())


def roll_up(catalogue: Catalogue, results: dict[str, StatusResult]) -> dict[str, PriorityResult]:
    """One PriorityResult per priority, in strategy order (priority number)."""
    ordered = sorted(catalogue.priorities, key=lambda p: p.number)
    share = catalogue.rollup.min_coverage
    return {p.id: combine(p.id, [i.id for i in catalogue.indicators_for_priority(p.id)], results,
                          min_coverage=share) for p in ordered}


def roll_up_dimensions(catalogue: Catalogue, results: dict[str, StatusResult]) -> dict[str, PriorityResult]:
    """The same roll-up per cohesion dimension (the result's priority_id holds the dimension id)."""
    share = catalogue.rollup.min_coverage
    return {d.id: combine(d.id, [i.id for i in catalogue.indicators if i.dimension == d.id], results, "dimension",
                          min_coverage=share) for d in catalogue.dimensions}


GRID_COLUMNS = ["priority_id", "priority_number", "priority_title", "dimension_id", "dimension_title",
                "status", "score", "assessed", "total", "any_red"]


def status_grid(catalogue: Catalogue, results: dict[str, StatusResult]) -> pd.DataFrame:
    """Priority x dimension: one row per cell with its status and how many indicators stand behind it.

    Long form (GRID_COLUMNS), priorities in strategy order and dimensions in catalogue order.
    A cell with no indicators has total 0 and status "" (nothing to assess, not Grey).
    """
    rows = []
    for p in sorted(catalogue.priorities, key=lambda p: p.number):
        linked = catalogue.indicators_for_priority(p.id)
        for d in catalogue.dimensions:
            ids = [i.id for i in linked if i.dimension == d.id]
            cell = combine(f"{p.id}/{d.id}", ids, results, min_coverage=catalogue.rollup.min_coverage)
            rows.append({"priority_id": p.id, "priority_number": p.number, "priority_title": p.title,
                         "dimension_id": d.id, "dimension_title": d.title,
                         "status": cell.status if ids else "", "score": cell.score, "assessed": cell.assessed,
                         "total": cell.total, "any_red": cell.any_red})
    return pd.DataFrame(rows, columns=GRID_COLUMNS)
