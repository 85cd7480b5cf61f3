"""Roll indicator statuses up to priorities, dimensions and the priority x dimension grid.

The rule (shown on the Priorities page too), after Open SDG's average of scores:

- Each assessed indicator scores Green = 1, Amber = 0.5, Red = 0.
- Grey results and direction-only results (Higher / Similar / Lower, for indicators where
  neither direction is "good") are not assessed and do not count towards the score.
- The priority's score is the mean of its assessed indicators' scores: >= 0.75 Green,
  >= 0.4 Amber, otherwise Red.
- Nothing assessed: Grey, never Green.
- Any Red contributing indicator is flagged on the priority, whatever the average.
- Coverage says how many indicators stand behind the status: "3 of 5 indicators assessed".
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from cohesion.catalogue.models import Catalogue
from cohesion.status.result import GREY_REASON_TEXT, PriorityResult, StatusResult

SCORES: dict[str, float] = {"Green": 1.0, "Amber": 0.5, "Red": 0.0}
GREEN_FROM = 0.75
AMBER_FROM = 0.4

ROLL_UP_RULE_TEXT = (
    "Each assessed indicator scores Green 1, Amber 0.5, Red 0. The priority's status is the mean score: "
    f"{GREEN_FROM} or more is Green, {AMBER_FROM} or more is Amber, below that Red. Grey indicators and "
    "direction-only indicators (Higher / Similar / Lower) are not counted as assessed. A priority with "
    "nothing assessed is Grey, never Green, and any Red indicator is flagged whatever the average."
)


def status_from_score(score: float | None) -> str:
    """Green / Amber / Red from a mean score; Grey when there is no score."""
    if score is None:
        return "Grey"
    return "Green" if score >= GREEN_FROM else ("Amber" if score >= AMBER_FROM else "Red")


def combine(key: str, indicator_ids: Iterable[str], results: dict[str, StatusResult],
            what: str = "priority") -> PriorityResult:
    """Roll the given indicators' results into one result (used for priorities, dimensions, cells)."""
    ids = tuple(indicator_ids)
    scored = [(i, SCORES[results[i].status]) for i in ids if i in results and results[i].status in SCORES]
    reds = [i for i, s in scored if s == 0.0]
    total, assessed = len(ids), len(scored)
    score = sum(s for _, s in scored) / assessed if assessed else None
    status = status_from_score(score)
    coverage = f"{assessed} of {total} indicator{'s' if total != 1 else ''} assessed"
    if total == 0:
        sentence = f"Grey: no indicators are linked to this {what} yet."
    elif assessed == 0:
        sentence = f"Grey: none of its {total} indicator{'s' if total != 1 else ''} can be assessed yet ({_why_not(ids, results)})."
    else:
        sentence = f"{status}: average score {score:.2f} from {coverage}"
        if reds:
            sentence += f"; {len(reds)} Red indicator{'s' if len(reds) != 1 else ''} flagged"
        sentence += "."
    return PriorityResult(priority_id=key, status=status, score=None if score is None else round(score, 4),
                          assessed=assessed, total=total, any_red=bool(reds), sentence=sentence, indicator_ids=ids)


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
    return {p.id: combine(p.id, [i.id for i in catalogue.indicators_for_priority(p.id)], results)
            for p in ordered}


def roll_up_dimensions(catalogue: Catalogue, results: dict[str, StatusResult]) -> dict[str, PriorityResult]:
    """The same roll-up per cohesion dimension (the result's priority_id holds the dimension id)."""
    return {d.id: combine(d.id, [i.id for i in catalogue.indicators if i.dimension == d.id], results, "dimension")
            for d in catalogue.dimensions}


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
            cell = combine(f"{p.id}/{d.id}", ids, results)
            rows.append({"priority_id": p.id, "priority_number": p.number, "priority_title": p.title,
                         "dimension_id": d.id, "dimension_title": d.title,
                         "status": cell.status if ids else "", "score": cell.score, "assessed": cell.assessed,
                         "total": cell.total, "any_red": cell.any_red})
    return pd.DataFrame(rows, columns=GRID_COLUMNS)
