"""Typed models of the indicator catalogue (`indicators.yaml`).

Frozen pydantic models with unknown keys forbidden, so a typo in the YAML is an error, not a
silently ignored field. Cross-references (an indicator's dimension, priorities and source) are
checked in `validate.py`, where every problem can be reported with its YAML line.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", min_length=2, max_length=64)]

# Units: a controlled vocabulary, so no code has to guess from free text whether a figure is a
# count (disclosure control, thousands separators), a percentage (points, one decimal) or a score.
# Each unit maps to its kind; `unit_kind()` is the only way code asks. Add a unit here, not a
# word list elsewhere.
UNIT_KINDS: dict[str, str] = {
    "%": "percent",
    "count": "count",
    "rate per 1,000": "rate",
    "rate per 100,000": "rate",
    "mean score (0-10)": "score",
    "score": "score",
    "assessment": "assessment",
}
Unit = Literal["%", "count", "rate per 1,000", "rate per 100,000", "mean score (0-10)", "score", "assessment"]


def unit_kind(unit: str) -> str:
    """'percent', 'count', 'rate', 'score' or 'assessment' for a catalogue unit ('other' if unknown)."""
    return UNIT_KINDS.get(str(unit or "").strip(), "other")


def is_count_unit(unit: str) -> bool:
    """True for counts of events: the only figures subject to small-count disclosure control."""
    return unit_kind(unit) == "count"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Area(Strict):
    name: str
    code: str | None = None
    note: str | None = None


class Comparator(Strict):
    id: Slug
    name: str
    code: str = Field(description="area_code of the comparator's rows in the tidy table")
    note: str | None = None


class Place(Strict):
    name: str
    code: str = Field(pattern=r"^[EWSN]\d{8}$")
    area_type: str = "local_authority"
    police_force: Area
    community_safety_partnership: Area | None = None
    region: Area
    country: Area
    postcode_area: str | None = Field(default=None, description="e.g. ST, for postcode checks")
    comparators: list[Comparator] = Field(default_factory=list)


class Dimension(Strict):
    id: Slug
    title: str
    description: str


class Priority(Strict):
    id: Slug
    number: int = Field(ge=1, le=50)
    title: str
    summary: str


Cadence = Literal["annual", "quarterly", "monthly", "weekly", "ad hoc", "one-off"]


class Source(Strict):
    id: Slug
    publisher: str
    title: str
    url: str | None = Field(default=None, pattern=r"^https?://[^\s<>\"'`]+$",
                            description="public web address; the only text the dashboard turns into a link")
    licence: str
    attribution: str
    cadence: Cadence
    next_release: str | None = Field(default=None, description="date or month, as announced")
    loader: str = Field(description="name of a registered loader, or 'none'")
    path: str | None = Field(default=None, description="data path such as data:x.csv")
    disclosure_control: bool = Field(
        default=False, description="counts below meeting.small_count_threshold are suppressed on screen and in downloads"
    )
    notes: str | None = None


class Target(Strict):
    value: float | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    baseline_value: float | None = None
    baseline_period: str | None = None
    reason: str | None = Field(default=None, description="why there is no target")

    @model_validator(mode="after")
    def _value_needs_year(self) -> Target:
        if self.value is not None and self.year is None:
            raise ValueError("a target value needs a target year (target.year)")
        if self.value is None and not self.reason:
            raise ValueError("give a target value and year, or a reason why there is none")
        return self


class TargetRule(Strict):
    rule: Literal["target"]
    amber_band: float = Field(default=2.0, ge=0, description="distance short of target still amber")


class TrajectoryRule(Strict):
    rule: Literal["trajectory"]
    green_at: float = 0.95
    amber_at: float = 0.6


class BenchmarkRule(Strict):
    rule: Literal["benchmark"]
    comparator: str = Field(description="a place comparator id, or 'previous_period'")
    two_level: bool = Field(default=False, description="also test at 99.8%, as Fingertips' two-level benchmark")


class CountChangeRule(Strict):
    rule: Literal["count_change"]
    confidence: float = Field(default=0.95, gt=0.5, lt=1)


class ManualRule(Strict):
    rule: Literal["manual"]
    review_days: int = Field(default=92, ge=1)


class ControlChartRule(Strict):
    """Early warning on monthly counts: the control chart's signals, never Red or Green."""

    rule: Literal["control_chart"]
    seasonal: bool = Field(default=True, description="each calendar month against its own average once "
                                                     "24 months are loaded")


StatusRule = Annotated[
    TargetRule | TrajectoryRule | BenchmarkRule | CountChangeRule | ManualRule | ControlChartRule,
    Field(discriminator="rule"),
]

Polarity = Literal["higher_is_better", "lower_is_better", "no_judgement"]


class Indicator(Strict):
    id: Slug
    title: str
    definition: str
    dimension: str
    priorities: list[str] = Field(min_length=1)
    source: str
    measure: str | None = Field(default=None, description="the loader's measure key to take")
    comparator_measures: list[str] = Field(
        default_factory=list,
        description="other measure keys whose rows for other areas (England, region) are comparators",
    )
    unit: Unit
    count_noun: str | None = Field(
        default=None, description="for counts: what is counted, plural, as sentences say it ('hate crimes')")
    polarity: Polarity
    polarity_reason: str | None = None
    target: Target
    status: StatusRule
    headline: bool = False
    stands_in_for: str | None = Field(
        default=None, description="id of the strategy measure this headline indicator stands in for (tile beside it)")
    headline_label: str | None = Field(
        default=None, max_length=60,
        description="short label of the headline tile's role, e.g. 'Community Life Survey stand-in'")
    caveats: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_judgement_needs_reason(self) -> Indicator:
        if self.polarity == "no_judgement" and not self.polarity_reason:
            raise ValueError("polarity no_judgement needs a polarity_reason sentence")
        return self


class MeetingConfig(Strict):
    """How the One Stoke Delivery Group walks the agenda in meeting mode."""

    agenda: list[str] = Field(default_factory=list, description="priority ids in agenda order")
    small_count_threshold: int = Field(default=10, ge=1, description="counts below this are suppressed")


class AccessibilityConfig(Strict):
    """Who runs the dashboard and how to report an accessibility problem (the accessibility statement)."""

    organisation: str | None = Field(default=None, description="who runs this website, e.g. the council's name")
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_url: str | None = Field(default=None, description="a web form or page for reporting a problem")


DEFAULT_MIN_COVERAGE = 0.5  # share of a priority's indicators that must be assessed for a roll-up status


class RollupConfig(Strict):
    """How indicator statuses roll up to priorities (cohesion.status.rollup)."""

    min_coverage: float = Field(
        default=DEFAULT_MIN_COVERAGE, gt=0, le=1,
        description="share of a priority's indicators that must be assessed before it gets Red, Amber or Green")


class Catalogue(Strict):
    schema_version: Literal[1]
    place: Place
    dimensions: list[Dimension] = Field(min_length=1)
    priorities: list[Priority] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    meeting: MeetingConfig = Field(default_factory=MeetingConfig)
    accessibility: AccessibilityConfig = Field(default_factory=AccessibilityConfig)
    rollup: RollupConfig = Field(default_factory=RollupConfig)
    last_reviewed: date | None = None

    # Lookups used everywhere; cheap because the catalogue is small.
    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; a clear KeyError naming the id when there is none."""
        found = next((i for i in self.indicators if i.id == indicator_id), None)
        if found is None:
            raise KeyError(f"no indicator with id '{indicator_id}' in the catalogue")
        return found

    def source(self, source_id: str) -> Source | None:
        """The source with this id, or None (callers say what is missing instead of crashing)."""
        return next((s for s in self.sources if s.id == source_id), None)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id; a clear KeyError naming the id when there is none."""
        found = next((d for d in self.dimensions if d.id == dimension_id), None)
        if found is None:
            raise KeyError(f"no dimension with id '{dimension_id}' in the catalogue")
        return found

    def priority(self, priority_id: str) -> Priority:
        """The priority with this id; a clear KeyError naming the id when there is none."""
        found = next((p for p in self.priorities if p.id == priority_id), None)
        if found is None:
            raise KeyError(f"no priority with id '{priority_id}' in the catalogue")
        return found

    def comparator(self, comparator_id: str) -> Comparator | None:
        return next((c for c in self.place.comparators if c.id == comparator_id), None)

    def indicators_for_priority(self, priority_id: str) -> list[Indicator]:
        return [i for i in self.indicators if priority_id in i.priorities]

    def headline_indicators(self) -> list[Indicator]:
        return [i for i in self.indicators if i.headline]

    def agenda(self) -> list[Priority]:
        """Priorities in meeting order: the configured agenda, else strategy order."""
        order = self.meeting.agenda or [p.id for p in sorted(self.priorities, key=lambda p: p.number)]
        by_id = {p.id: p for p in self.priorities}
        return [by_id[pid] for pid in order if pid in by_id]
