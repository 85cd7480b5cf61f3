"""The status rules: each turns one indicator's series (and a comparator) into a StatusResult.

Every rule is a plain function of small inputs, so the worked examples in the tests can be
checked by hand. `series` is the place's headline rows for one indicator, sorted by
`period_end` (oldest first), in the tidy shape. Each result states its status word first, the
rule, the figures used, a confidence label and one plain-English sentence; Grey always says why.

- target: latest value against `target.value`; within `amber_band` short of it is Amber.
- trajectory: the Open SDG progress measure. Observed compound annual growth from the baseline
  to the latest value, divided by the growth needed to reach the target by its year. Ratio
  >= green_at (0.95) Green, >= amber_at (0.6) Amber, else Red; target already reached is Green.
  Years are counted as the calendar years of the periods' ends (2024/25 ends in 2025).
- benchmark: Fingertips comparison of the latest 95% interval with a comparator value; with
  `two_level` also at 99.8% (Fingertips' two-level option; the colour is still decided at 95%).
- count_change: latest count against the previous one with an exact Poisson ratio interval.
- manual: a status set by the Delivery Group, Grey once older than its review interval.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pandas as pd

from cohesion.catalogue.models import (
    BenchmarkRule,
    CountChangeRule,
    Indicator,
    ManualRule,
    TargetRule,
    TrajectoryRule,
    unit_kind,
)
from cohesion.present import format_value
from cohesion.status import stats
from cohesion.status.result import StatusResult

SCORES = {"Green": 1.0, "Amber": 0.5, "Red": 0.0}
# status_note words that mean the publisher withheld the figure (rather than never had it).
SUPPRESSION_MARKERS = ("suppress", "confidential", "[c]", "[u]", "low reliability", "small number")


# ---------------------------------------------------------------------------- sentence pieces


def _gap(value: float, unit: str) -> str:
    # Differences of percentages are percentage points, not per cent.
    return f"{value:.1f} points" if unit_kind(unit) == "percent" else format_value(value, unit)


def _ci_text(row: Any, unit: str = "") -> str:
    if _has(row, "lower_ci") and _has(row, "upper_ci"):
        lo, hi = float(row["lower_ci"]), float(row["upper_ci"])
        if unit_kind(unit) == "percent":  # same precision as the value it brackets
            return f" (95% CI {lo:.1f} to {hi:.1f})"
        return f" (95% CI {_num(lo)} to {_num(hi)})"
    return ""


def _shown(indicator: Indicator, row: Any) -> str:
    """'Title: 57.7% in 2024/25 (95% CI 53.0 to 62.4)', the figure a sentence is about."""
    return f"{indicator.title}: {format_value(float(row['value']), indicator.unit)} in {row['period']}{_ci_text(row, indicator.unit)}"


def comparator_phrase(name: str) -> str:
    """'the median of the 132 ...' for a statistic's name, 'the England figure' for a place's."""
    first = name.split(" ", 1)[0].lower()
    if first in ("median", "mean", "average", "the"):
        return "the " + name[0].lower() + name[1:] if first != "the" else name
    return f"the {name} figure"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else (f"{x:.2f}" if abs(x) < 10 else f"{x:.1f}")


def _has(row: Any, column: str) -> bool:
    value = row.get(column) if hasattr(row, "get") else None
    return value is not None and not pd.isna(value)


# ---------------------------------------------------------------------------- building results


def _result(indicator: Indicator, status: str, rule: str, sentence: str, *, confidence: str = "n/a",
            figures: dict[str, Any] | None = None, latest: Any = None, grey_reason: str | None = None,
            **extra: Any) -> StatusResult:
    value = float(latest["value"]) if latest is not None and _has(latest, "value") else None
    return StatusResult(
        indicator_id=indicator.id, status=status, rule=rule, sentence=sentence, confidence=confidence,
        figures=figures or {}, latest_value=value,
        latest_period=str(latest["period"]) if latest is not None else None,
        unit=indicator.unit, grey_reason=grey_reason, **extra,
    )


def grey(indicator: Indicator, rule: str, reason: str, why: str, latest: Any = None,
         figures: dict[str, Any] | None = None) -> StatusResult:
    """A Grey result whose sentence says why it could not be assessed."""
    return _result(indicator, "Grey", rule, f"Grey: {why}", grey_reason=reason, latest=latest, figures=figures)


def latest_or_grey(indicator: Indicator, series: pd.DataFrame, rule: str) -> tuple[Any, StatusResult | None]:
    """The latest row, or a Grey result saying there is no data or the latest figure is withheld."""
    if series is None or series.empty:
        return None, grey(indicator, rule, "no_data", f"no data yet for {indicator.title}.")
    latest = series.iloc[-1]
    if not _has(latest, "value"):
        note = str(latest.get("status_note") or "no figure published").strip()
        reason = "suppressed" if any(m in note.lower() for m in SUPPRESSION_MARKERS) else "no_data"
        verb = "withheld" if reason == "suppressed" else "missing"
        return None, grey(indicator, rule, reason,
                          f"the {latest['period']} figure for {indicator.title} is {verb} ({note}).", latest=latest)
    return latest, None


def _direction_status(direction: str, polarity: str) -> str:
    """higher/similar/lower -> a verdict by polarity, or a direction word for no_judgement."""
    if polarity == "no_judgement":
        return direction.capitalize()
    if direction == "similar":
        return "Amber"
    good = (direction == "higher") == (polarity == "higher_is_better")
    return "Green" if good else "Red"


# ---------------------------------------------------------------------------- rules


def target_status(indicator: Indicator, series: pd.DataFrame, rule: TargetRule) -> StatusResult:
    """Latest value against the target; within `amber_band` short of it is Amber (polarity-aware)."""
    latest, fail = latest_or_grey(indicator, series, "target")
    if fail:
        return fail
    target = indicator.target.value
    if target is None or indicator.polarity == "no_judgement":
        why = indicator.target.reason or "it has no target"
        return grey(indicator, "target", "no_target", f"{indicator.title} has no target ({why}).", latest=latest)
    value = float(latest["value"])
    short_by = (target - value) if indicator.polarity == "higher_is_better" else (value - target)
    status = "Green" if short_by <= 0 else ("Amber" if short_by <= rule.amber_band else "Red")
    shown = _shown(indicator, latest)
    goal = f"the target of {format_value(target, indicator.unit)} by {indicator.target.year}"
    if status == "Green":
        sentence = f"Green: {shown}, meeting {goal}."
    else:
        band = f"within the amber band of {_gap(rule.amber_band, indicator.unit)}" if status == "Amber" \
            else f"beyond the amber band of {_gap(rule.amber_band, indicator.unit)}"
        sentence = f"{status}: {shown}, {_gap(short_by, indicator.unit)} short of {goal}, {band}."
    figures = {"value": value, "target": target, "target_year": indicator.target.year,
               "short_by": round(short_by, 6), "amber_band": rule.amber_band}
    conf = stats.confidence_label(value, latest.get("lower_ci"), latest.get("upper_ci"))
    return _result(indicator, status, "target", sentence, confidence=conf, figures=figures, latest=latest)


def trajectory_status(indicator: Indicator, series: pd.DataFrame, rule: TrajectoryRule) -> StatusResult:
    """Open SDG progress measure: observed compound annual growth / growth required to hit the target."""
    latest, fail = latest_or_grey(indicator, series, "trajectory")
    if fail:
        return fail
    target, target_year = indicator.target.value, indicator.target.year
    if target is None or target_year is None or indicator.polarity == "no_judgement":
        why = indicator.target.reason or "it has no target"
        return grey(indicator, "trajectory", "no_target", f"{indicator.title} has no target ({why}).", latest=latest)
    base_value, base_period, base_year = _baseline(indicator, series)
    if base_value is None or base_year is None:
        return grey(indicator, "trajectory", "too_few_points",
                    f"{indicator.title} has no baseline to measure progress from.", latest=latest)
    value = float(latest["value"])
    latest_year = pd.Timestamp(latest["period_end"]).year
    unit = indicator.unit
    higher = indicator.polarity == "higher_is_better"
    figures: dict[str, Any] = {"baseline_value": base_value, "baseline_period": base_period, "value": value,
                               "target": target, "target_year": target_year}
    reached = value >= target if higher else value <= target
    if reached:
        sentence = f"Green: {_shown(indicator, latest)}, already meeting the target of " \
                   f"{format_value(target, unit)} by {target_year}."

        return _result(indicator, "Green", "trajectory", sentence, figures=figures, latest=latest)
    if latest_year <= base_year:
        return grey(indicator, "trajectory", "too_few_points",
                    f"{indicator.title} has only its baseline ({base_period}) so far; progress needs a later figure.",
                    latest=latest, figures=figures)
    observed_years, required_years = latest_year - base_year, target_year - base_year
    if required_years <= 0 or latest_year >= target_year:
        ratio = -math.inf  # the target date has passed without reaching it
    elif min(base_value, value, target) > 0:
        # Open SDG: compare compound annual growth rates (observed vs required).
        observed = stats.compound_annual_growth(base_value, value, observed_years)
        required = stats.compound_annual_growth(base_value, target, required_years)
        ratio = observed / required if required != 0 else -math.inf
        figures.update(observed_growth=observed, required_growth=required, method="compound annual growth")
    else:
        # Zero or negative values have no compound growth; compare straight-line yearly change.
        observed = (value - base_value) / observed_years
        required = (target - base_value) / required_years
        ratio = observed / required if required != 0 else -math.inf
        figures.update(observed_change=observed, required_change=required, method="linear change")
    figures["ratio"] = None if math.isinf(ratio) else round(ratio, 4)
    status = "Green" if ratio >= rule.green_at else ("Amber" if ratio >= rule.amber_at else "Red")
    moved = (f"{indicator.title}: moved from {format_value(base_value, unit)} in {base_period} to "
             f"{format_value(value, unit)} in {latest['period']}")
    if math.isinf(ratio):
        tail = f"and the target of {format_value(target, unit)} by {target_year} was not met"
    else:
        tail = (f"{ratio:.2f} of the progress needed a year to reach {format_value(target, unit)} by "
                f"{target_year} (Green from {rule.green_at}, Amber from {rule.amber_at})")
    return _result(indicator, status, "trajectory", f"{status}: {moved}, {tail}.", figures=figures, latest=latest)


def _baseline(indicator: Indicator, series: pd.DataFrame) -> tuple[float | None, str | None, int | None]:
    """The catalogue's baseline if given, else the first figure in the series (Open SDG's default)."""
    from cohesion.tidy import period_end

    t = indicator.target
    if t.baseline_value is not None and t.baseline_period:
        end = period_end(t.baseline_period)
        return float(t.baseline_value), t.baseline_period, end.year if end else None
    known = series[series["value"].notna()]
    if known.empty:
        return None, None, None
    first = known.iloc[0]
    return float(first["value"]), str(first["period"]), pd.Timestamp(first["period_end"]).year


def benchmark_status(indicator: Indicator, series: pd.DataFrame, comparator_rows: pd.DataFrame | None,
                     comparator_name: str | None, rule: BenchmarkRule) -> StatusResult:
    """Fingertips-style: the comparator value inside the latest 95% CI is 'similar', else better/worse."""
    latest, fail = latest_or_grey(indicator, series, "benchmark")
    if fail:
        return fail
    unit, period = indicator.unit, str(latest["period"])
    if rule.comparator == "previous_period":
        if len(series) < 2:
            return grey(indicator, "benchmark", "too_few_points",
                        f"{indicator.title} has only one period ({period}), so there is no earlier figure to compare.",
                        latest=latest)
        if str(latest.get("series_break") or "").strip():
            return _break_grey(indicator, "benchmark", latest, series.iloc[-2])
        comp = series.iloc[-2]
        name = f"{comp['period']} figure"
        phrase = f"the {name}"
    else:
        rows = comparator_rows if comparator_rows is not None else pd.DataFrame()
        same = rows[rows["period"] == latest["period"]] if not rows.empty else rows
        comp = same.iloc[-1] if not same.empty else None
        name = comparator_name or rule.comparator
        phrase = comparator_phrase(name)
        if comp is None:
            return grey(indicator, "benchmark", "no_comparator",
                        f"there is no figure for {period} from {phrase.removeprefix('the ')} to compare {indicator.title} with.", latest=latest)
    if not _has(comp, "value"):
        return grey(indicator, "benchmark", "no_comparator",
                    f"{phrase} for {comp['period']} is missing, so {indicator.title} cannot be compared.",
                    latest=latest)
    if not (_has(latest, "lower_ci") and _has(latest, "upper_ci")):
        return grey(indicator, "benchmark", "no_interval",
                    f"{indicator.title} ({period}) has no published confidence interval, so a fair "
                    f"comparison with {phrase} is not possible.", latest=latest)
    value, lo, hi, bench = (float(latest["value"]), float(latest["lower_ci"]),
                            float(latest["upper_ci"]), float(comp["value"]))
    direction = stats.compare_with_interval(lo, hi, bench)
    # Two-level option (Fingertips): the colour is decided at 95%; the sentence says if 99.8% agrees.
    level = stats.compare_two_levels(value, lo, hi, bench)[1] if rule.two_level else None
    status = _direction_status(direction, indicator.polarity)
    relation = {"higher": "significantly above", "lower": "significantly below",
                "similar": "not significantly different from"}[direction]
    strength = {"99.8%": " at the 99.8% level as well as 95%", "95%": " at the 95% level but not at 99.8%"}
    sentence = (f"{status}: {_shown(indicator, latest)}, {relation} {phrase} ({format_value(bench, unit)})"
                f"{strength.get(level or '', '')}.")

    figures = {"value": value, "lower_ci": lo, "upper_ci": hi, "comparator": rule.comparator,
               "comparator_name": name, "comparator_value": bench, "comparison": direction}
    if rule.two_level:
        figures["significance_level"] = level
    return _result(indicator, status, "benchmark", sentence, figures=figures, latest=latest,
                   confidence=stats.confidence_label(value, lo, hi))


def count_change_status(indicator: Indicator, series: pd.DataFrame, rule: CountChangeRule,
                        small_count_threshold: int = 10) -> StatusResult:
    """Change on the previous period, judged by the exact Poisson interval for the ratio of counts."""
    latest, fail = latest_or_grey(indicator, series, "count_change")
    if fail:
        return fail
    unit = indicator.unit
    if len(series) < 2 or not _has(series.iloc[-2], "value"):
        return grey(indicator, "count_change", "too_few_points",
                    f"{indicator.title} has no figure for the period before {latest['period']} to compare with.",
                    latest=latest)
    previous = series.iloc[-2]
    if str(latest.get("series_break") or "").strip():
        return _break_grey(indicator, "count_change", latest, previous)
    gap = _missing_between(previous, latest)
    if gap:
        return grey(indicator, "count_change", "missing_period",
                    f"{indicator.title} has no figure for {gap}, the period before {latest['period']}, "
                    f"so the change cannot be judged (the previous figure is for {previous['period']}).",
                    latest=latest)
    a, b = float(previous["value"]), float(latest["value"])
    if min(a, b) < small_count_threshold:
        return grey(indicator, "count_change", "suppressed",
                    f"{indicator.title} counts below {small_count_threshold} are suppressed and too small to judge.")
    ratio, lo, hi = stats.poisson_ratio_ci(a, b, rule.confidence)
    direction = "higher" if lo > 1 else ("lower" if hi < 1 else "similar")
    status = _direction_status(direction, indicator.polarity)
    pct = (b - a) / a * 100
    level = f"{rule.confidence * 100:.0f}%"
    verdict = {"similar": "not a significant change", "higher": "a significant rise",
               "lower": "a significant fall"}[direction]
    sentence = (f"{status}: {indicator.title}: {format_value(b, unit)} in {latest['period']} against "
                f"{format_value(a, unit)} in {previous['period']} ({pct:+.1f}%; rate ratio {ratio:.2f}, "
                f"{level} CI {lo:.2f} to {hi:.2f}), {verdict}.")
    figures = {"previous_value": a, "previous_period": str(previous["period"]), "value": b, "ratio": ratio,
               "ratio_lower": lo, "ratio_upper": hi, "confidence_level": rule.confidence, "change": direction}
    return _result(indicator, status, "count_change", sentence, figures=figures, latest=latest,
                   confidence=stats.confidence_label(None, count=min(a, b)))


def _break_grey(indicator: Indicator, rule: str, latest: Any, previous: Any) -> StatusResult:
    note = str(latest.get("series_break")).strip()
    gap = _missing_between(previous, latest)
    missing = f"; there is no figure for {gap}" if gap else ""
    return grey(indicator, rule, "series_break",
                f"the {latest['period']} figure for {indicator.title} is not comparable with "
                f"{previous['period']} (series break: {note}){missing}.", latest=latest)


def _missing_between(previous: Any, latest: Any) -> str | None:
    """The period just before `latest` when `previous` is not it (a gap in the series), else None.

    Works for financial years (2018/19 -> 2022/23 misses 2021/22) and calendar years; other
    period shapes are treated as consecutive.
    """
    import re

    def start_year(period: str) -> int | None:
        m = re.fullmatch(r"(\d{4})(?:/\d{2})?", str(period).strip())
        return int(m.group(1)) if m else None

    a, b = start_year(previous["period"]), start_year(latest["period"])
    if a is None or b is None or b - a <= 1:
        return None
    before = b - 1
    return f"{before}/{(before + 1) % 100:02d}" if "/" in str(latest["period"]) else str(before)


def manual_status(indicator: Indicator, entry: dict[str, Any] | None, rule: ManualRule, today: date,
                  latest: Any = None) -> StatusResult:
    """A status the Delivery Group set; Grey 'stale' once today is past set_on + review days."""
    if entry is None:
        return grey(indicator, "manual", "not_set",
                    f"the Delivery Group has not yet set a status for {indicator.title}.",
                    latest=latest)
    set_on: date = entry["set_on"]
    review = entry.get("review_days")
    review_days = int(review) if review is not None and not pd.isna(review) else rule.review_days
    due = set_on + timedelta(days=review_days)
    owner = str(entry.get("owner") or "").strip() or "the Delivery Group"
    common = {"commentary": str(entry.get("commentary") or "").strip() or None, "owner": owner,
              "assessed_on": set_on.isoformat()}
    figures = {"set_status": entry["status"], "set_on": set_on.isoformat(), "review_days": review_days,
               "review_due": due.isoformat()}
    if today > due:
        sentence = (f"Grey: the {entry['status']} status set by {owner} on {set_on.isoformat()} is stale; "
                    f"it was due for review by {due.isoformat()}.")
        return _result(indicator, "Grey", "manual", sentence, grey_reason="stale", figures=figures,
                       latest=latest, **common)
    status = entry["status"]
    sentence = f"{status}: set by {owner} on {set_on.isoformat()}; next review due by {due.isoformat()}."
    return _result(indicator, status, "manual", sentence, figures=figures, latest=latest, **common)
