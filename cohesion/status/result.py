"""What the status engine returns: one result per indicator, one per priority.

Shared by the pages, the meeting snapshots and the board pack, so it is defined on its own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Status words. Higher/Similar/Lower are for no_judgement indicators: a direction, not a verdict.
RAG = ("Green", "Amber", "Red", "Grey")
DIRECTIONS = ("Higher", "Similar", "Lower")
# Grey reason codes and their short text: the ONE definition. Pills, roll-up sentences, tables,
# the PDF and `status --json` all take the words from here (cohesion.present.grey_reason_text).
GREY_REASON_TEXT: dict[str, str] = {
    "no_data": "No data yet",
    "not_set": "Not set yet",
    "too_few_points": "Too few points",
    "series_break": "Series break",
    "missing_period": "Missing period",
    "no_interval": "No interval published",
    "no_comparator": "No comparator",
    "no_target": "No target",
    "stale": "Stale",
    "suppressed": "Suppressed",
    "error": "Could not be assessed",
    "not_enough_evidence": "Not enough evidence",  # priorities below the catalogue's minimum coverage
}
GREY_REASONS = tuple(GREY_REASON_TEXT)


@dataclass(frozen=True)
class StatusResult:
    indicator_id: str
    status: str  # one of RAG or DIRECTIONS
    rule: str  # target | trajectory | benchmark | count_change | manual
    sentence: str  # one plain-English sentence starting with the status word
    confidence: str  # "High" | "Medium" | "Low" | "n/a"
    figures: dict[str, Any] = field(default_factory=dict)  # the numbers the rule used
    latest_value: float | None = None
    latest_period: str | None = None
    unit: str = ""
    grey_reason: str | None = None  # one of GREY_REASONS when status is Grey
    commentary: str | None = None  # manual rule: the Delivery Group's words
    owner: str | None = None
    assessed_on: str | None = None  # ISO date the manual status was set

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PriorityResult:
    priority_id: str
    status: str  # one of RAG
    score: float | None  # mean score of assessed indicators (Green 1, Amber 0.5, Red 0)
    assessed: int
    total: int
    any_red: bool
    sentence: str
    indicator_ids: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)  # assessed indicators per status word
    needed: int = 0  # assessed indicators needed for Red/Amber/Green (the catalogue's minimum coverage)
    grey_reason: str | None = None  # "no_data" or "not_enough_evidence" when Grey

    @property
    def coverage_text(self) -> str:
        """Plain words: '2 of 4 assessed: 1 Red, 1 Amber' (worst first), 'Not enough evidence: ...' below
        the minimum coverage."""
        mix = ", ".join(f"{self.counts[s]} {s}" for s in ("Red", "Amber", "Green") if self.counts.get(s))
        text = f"{self.assessed} of {self.total} assessed" + (f": {mix}" if mix else "")
        return f"Not enough evidence: {text}" if self.grey_reason == "not_enough_evidence" else text

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["coverage_text"] = self.coverage_text
        return out
