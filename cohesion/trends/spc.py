"""Early warning on monthly counts: a control chart for counts and the "Making Data Count" rules.

Counts of reports per month behave roughly like Poisson counts, so the limits come from the
Poisson distribution around a baseline mean (the c-chart family):

* `method="poisson"` (default): exact Poisson limits, the 0.135% and 99.865% quantiles of
  Poisson(centre), the counts equivalent of three-sigma limits. Exact limits stay sensible when
  the mean is small, where the normal approximation gives negative or too-narrow limits.
* `method="c"`: the classic c-chart, centre +/- 3 * sqrt(centre), lower limit floored at 0.

The centre is the mean of a baseline (by default the first 12 periods). With `seasonal=True` and
at least two years of baseline, each calendar month gets its own centre: the baseline mean of
that month, so a usual summer rise is not flagged.

Special-cause rules from NHS England's "Making Data Count" (applied to every point):

1. `beyond_limits`: a point above the upper or below the lower limit.
2. `shift`: a run of seven or more points on the same side of the centre (a point exactly on the
   centre ends the run).
3. `trend`: seven or more points each higher (or each lower) than the one before.
4. `two_of_three`: in three consecutive points, all three on the same side of the centre, at least
   two beyond the two-sigma line on that side (Poisson 2.275% / 97.725% quantiles). Points beyond
   the process limit count too. Only the points beyond two sigma are flagged; the third point is
   not. Every window of three is tested (windows slide), so one signal never hides the next.
   Our reading of the reference: the Making Data Count team's own description of its Single
   Chart tool (NHS England, November 2023, as recorded in the NHS-R `NHSRplotthedots` issue
   tracker, #194) says all three points must be on the same side of the mean and that points
   beyond three sigma count since that change; NHS-R's package fixed the same-side rule in
   issue #143. A point exactly on the centre is on neither side and breaks the window.

Small-number guard: when the baseline averages fewer than `MIN_BASELINE_MEAN` events a period,
or the baseline has fewer than `MIN_BASELINE_POINTS` periods, no flags are raised: random
variation in small counts is too large to separate a real change from chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

RUN_LENGTH = 7  # MDC: seven points in a run or a trend
BASELINE_POINTS = 12  # one year of monthly counts
MIN_BASELINE_POINTS = 12
MIN_BASELINE_MEAN = 5.0  # events per period; below this, no flags (small-number guard)
Q3_LOW, Q3_HIGH = 0.00135, 0.99865  # three-sigma equivalents
Q2_LOW, Q2_HIGH = 0.02275, 0.97725  # two-sigma equivalents, for "close to a limit"

RULE_NAMES = {
    "beyond_limits": "a point outside the expected range",
    "shift": "a run of seven on one side of the average",
    "trend": "seven points rising or falling",
    "two_of_three": "two of three points close to a limit",
}


@dataclass(frozen=True)
class SpcFlag:
    """One special-cause signal, with the periods it covers and a plain-English sentence."""

    rule: str  # beyond_limits | shift | trend | two_of_three
    direction: str  # "high" or "low"
    periods: tuple[str, ...]
    sentence: str


@dataclass
class SpcResult:
    """The chart's points and limits, the flags, and why there are none when guarded."""

    points: pd.DataFrame  # period, period_end, label, value, centre, lower, upper, near_lower, near_upper, flagged
    flags: list[SpcFlag] = field(default_factory=list)
    guarded: bool = False
    guard_reason: str = ""
    method: str = "poisson"
    seasonal: bool = False
    baseline_periods: tuple[str, ...] = ()


@lru_cache(maxsize=4096)
def period_label(period: str) -> str:
    """'2025-06' -> 'June 2025'; other labels unchanged."""
    try:
        return pd.Timestamp(f"{period}-01").strftime("%B %Y") if len(str(period)) == 7 else str(period)
    except ValueError:
        return str(period)


def show_count(value: float, threshold: int) -> str:
    """A count as shown to users: 'fewer than 10' below the disclosure threshold."""
    if pd.isna(value):
        return "no figure"
    return f"fewer than {threshold}" if value < threshold else f"{value:,.0f}"


def _limits(centre: np.ndarray, method: str) -> tuple[np.ndarray, ...]:
    if method == "c":
        sd = np.sqrt(centre)
        return (np.maximum(centre - 3 * sd, 0), centre + 3 * sd, np.maximum(centre - 2 * sd, 0), centre + 2 * sd)
    if method != "poisson":
        raise ValueError(f"unknown control-chart method '{method}'; expected 'poisson' or 'c'")
    from scipy import stats as sps  # here, not at import: loading scipy.stats costs 0.6 s

    return (sps.poisson.ppf(Q3_LOW, centre), sps.poisson.ppf(Q3_HIGH, centre),
            sps.poisson.ppf(Q2_LOW, centre), sps.poisson.ppf(Q2_HIGH, centre))


def _runs(mask: np.ndarray, length: int) -> list[tuple[int, int]]:
    """(start, end) index pairs of maximal runs of True at least `length` long."""
    out, start = [], None
    for i, flag in enumerate([*mask, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= length:
                out.append((start, i - 1))
            start = None
    return out


def control_chart_data(counts: pd.DataFrame, *, baseline_points: int = BASELINE_POINTS, method: str = "poisson",
                       seasonal: bool = False, noun: str = "reports", threshold: int = 10) -> SpcResult:
    """Limits and special-cause flags for one area's counts.

    `counts` has columns period (e.g. '2025-06'), period_end and value; missing months (NaN)
    are kept as gaps and ignored by the rules. `threshold` is the disclosure threshold used in
    the flag sentences (counts below it are written as 'fewer than N').
    """
    pts = counts[["period", "period_end", "value"]].sort_values("period_end").reset_index(drop=True)
    pts["period"] = pts["period"].astype(str)
    pts["label"] = pts["period"].map(period_label)
    known = pts[pts["value"].notna()]
    baseline = known.head(baseline_points)
    result = SpcResult(points=pts, method=method, seasonal=seasonal,
                       baseline_periods=tuple(baseline["period"]))
    mean = float(baseline["value"].mean()) if len(baseline) else 0.0
    months = pts["period_end"].dt.month
    if seasonal and len(baseline) >= 24:
        by_month = baseline.groupby(baseline["period_end"].dt.month)["value"].mean()
        centre = months.map(by_month).fillna(mean).to_numpy(dtype=float)
    else:
        result.seasonal = False
        centre = np.full(len(pts), mean)
    lower, upper, near_lo, near_hi = _limits(centre, method)
    value = pts["value"].to_numpy(dtype=float)
    pts["centre"], pts["lower"], pts["upper"] = centre, lower, upper
    with np.errstate(invalid="ignore"):
        pts["near_lower"], pts["near_upper"] = value < near_lo, value > near_hi
    pts["flagged"] = ""
    if len(baseline) < MIN_BASELINE_POINTS:
        result.guarded = True
        result.guard_reason = (f"Too few periods to set a baseline: {len(baseline)} with figures; "
                               f"at least {MIN_BASELINE_POINTS} are needed.")
        return result
    if mean < MIN_BASELINE_MEAN:
        result.guarded = True
        result.guard_reason = (f"Too few {noun} to judge: the baseline averages fewer than "
                               f"{MIN_BASELINE_MEAN:g} a month, so chance alone can look like a change.")
        return result
    result.flags = _detect(pts, noun, threshold)
    rules_by_period: dict[str, list[str]] = {}
    for flag in result.flags:
        for period in flag.periods:
            rules_by_period.setdefault(period, []).append(RULE_NAMES[flag.rule])
    pts["flagged"] = pts["period"].map(lambda p: "; ".join(rules_by_period.get(p, [])))
    return result


def _detect(pts: pd.DataFrame, noun: str, threshold: int) -> list[SpcFlag]:
    v = pts["value"].to_numpy(dtype=float)
    centre, lower, upper = (pts[c].to_numpy(dtype=float) for c in ("centre", "lower", "upper"))
    labels, periods = pts["label"].tolist(), pts["period"].tolist()
    known = ~np.isnan(v)
    flags: list[SpcFlag] = []

    beyond = known & ((v > upper) | (v < lower))
    for i in np.flatnonzero(beyond):
        side = "above" if v[i] > upper[i] else "below"
        flags.append(SpcFlag("beyond_limits", "high" if side == "above" else "low", (periods[i],),
                             f"{labels[i]}: {show_count(v[i], threshold)} {noun}, {side} the expected range of "
                             f"{lower[i]:,.0f} to {upper[i]:,.0f}."))

    def span(a: int, b: int) -> str:
        return f"{labels[a]} to {labels[b]}"

    for mask, direction in ((known & (v > centre), "high"), (known & (v < centre), "low")):
        for a, b in _runs(mask, RUN_LENGTH):
            side = "above" if direction == "high" else "below"
            flags.append(SpcFlag("shift", direction, tuple(periods[a:b + 1]),
                                 f"{span(a, b)}: {b - a + 1} months in a row {side} the usual level of about "
                                 f"{np.mean(centre[a:b + 1]):,.0f} {noun} a month."))

    with np.errstate(invalid="ignore"):
        rising = np.r_[False, np.diff(v) > 0]
        falling = np.r_[False, np.diff(v) < 0]
    for mask, direction in ((rising, "high"), (falling, "low")):
        # A step mask of length k means k+1 points moving the same way.
        for a, b in _runs(mask, RUN_LENGTH - 1):
            word = "rising" if direction == "high" else "falling"
            flags.append(SpcFlag("trend", direction, tuple(periods[a - 1:b + 1]),
                                 f"{span(a - 1, b)}: {b - a + 2} months in a row of {word} {noun} (from "
                                 f"{show_count(v[a - 1], threshold)} to {show_count(v[b], threshold)})."))

    flags += _two_of_three(pts, v, centre, known, labels, periods, noun, threshold, span)
    return sorted(flags, key=lambda f: (min(periods.index(p) for p in f.periods), f.rule))


def _two_of_three(pts: pd.DataFrame, v: np.ndarray, centre: np.ndarray, known: np.ndarray, labels: list[str],
                  periods: list[str], noun: str, threshold: int, span) -> list[SpcFlag]:
    """MDC "two out of three": sliding windows of three, all on one side, two or more beyond 2 sigma."""
    flags: list[SpcFlag] = []
    for col, direction, limit in (("near_upper", "high", pts["upper"].to_numpy(dtype=float)),
                                  ("near_lower", "low", pts["lower"].to_numpy(dtype=float))):
        near = pts[col].to_numpy(dtype=bool) & known
        with np.errstate(invalid="ignore"):
            side = known & ((v > centre) if direction == "high" else (v < centre))
        seen: set[tuple[int, ...]] = set()
        for i in range(len(v) - 2):
            window = range(i, i + 3)
            hits = tuple(j for j in window if near[j])
            # Skip a window whose flagged points are all in one already reported (same episode).
            if len(hits) < 2 or not all(side[j] for j in window) or any(set(hits) <= set(s) for s in seen):
                continue
            seen.add(hits)
            word = "upper" if direction == "high" else "lower"
            shown = " and ".join(show_count(v[j], threshold) for j in hits)
            flags.append(SpcFlag("two_of_three", direction, tuple(periods[j] for j in hits),
                                 f"{span(hits[0], hits[-1])}: {('two', 'three')[len(hits) - 2]} of three months close to the {word} "
                                 f"limit ({shown} {noun}; limit {limit[hits[-1]]:,.0f})."))
    return flags


def summary_sentence(result: SpcResult, area_name: str, noun: str = "reports") -> str:
    """One sentence for the chart: signals found, none, or why none could be judged."""
    pts = result.points[result.points["value"].notna()]
    if pts.empty:
        return f"{area_name}: no monthly figures."
    span = f"{pts['label'].iloc[0]} to {pts['label'].iloc[-1]}"
    if result.guarded:
        return f"{area_name}, {span}: no early-warning flags. {result.guard_reason}"
    if not result.flags:
        return (f"{area_name}, {span}: no unusual months; every month was within the expected range "
                f"and no run or trend was found.")
    order = {p: i for i, p in enumerate(result.points["period"])}
    latest = max(result.flags, key=lambda f: (order.get(f.periods[-1], -1), -len(f.periods)))
    return (f"{area_name}, {span}: {len(result.flags)} signal(s) of special cause; the latest: "
            f"{latest.sentence}")
