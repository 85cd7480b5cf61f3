"""Recent-trend test for survey proportions, done the way PHE/OHID Fingertips does it.

Fingertips judges a "recent trend" on the five most recent data points with the chi-square test
for linear trend in proportions (Armitage), at the 99.8% level (p < 0.002), and only reports a
trend that does not hinge on a single point. We implement that check as: the slope keeps its
sign when any one of the five points is dropped (each four-point subset has a slope of the same
sign as the five-point slope).

Each point needs a count of "yes" answers r and a base n. Where the publisher gives a numerator
and denominator we use them. Published survey estimates often carry only a percentage and a 95%
confidence interval; then we derive an *effective base* from the interval's width:

    half-width h = (upper - lower) / 2   (as a proportion)
    n_eff = p (1 - p) (1.96 / h)^2

which is the simple-random-sample size that would give that interval. It folds the survey's
design effect and weighting into n, so the test is no more confident than the publisher was.

Points are only compared within one series: the test uses points from the most recent series
break onwards (a change of survey mode makes earlier points not comparable).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

TREND_POINTS = 5  # Fingertips: the most recent five points
SIGNIFICANCE_P = 0.002  # 99.8% level
Z_95 = 1.959963984540054

INCREASING, DECREASING, NO_CHANGE, NOT_ENOUGH = "Increasing", "Decreasing", "No significant change", "Not enough points"


@dataclass(frozen=True)
class RecentTrend:
    """Outcome of the recent-trend test, with the figures it used and a sentence for the page."""

    direction: str  # INCREASING | DECREASING | NO_CHANGE | NOT_ENOUGH
    sentence: str
    periods: tuple[str, ...] = ()
    chi2: float | None = None
    p_value: float | None = None
    slope_per_period: float | None = None  # change in the proportion (0-1) per period
    robust: bool | None = None  # slope keeps its sign when any one point is dropped
    base_from_ci: bool = False  # n derived from the CI width rather than a published denominator


def chi2_trend(r: np.ndarray, n: np.ndarray, x: np.ndarray) -> tuple[float, float, float]:
    """Chi-square test for linear trend in proportions r/n at scores x.

    Returns (chi2 on 1 df, p-value, slope b of the proportion per unit of x). With N = sum n,
    R = sum r, p = R/N, xbar = sum(n x)/N:
        T = sum(r x) - R xbar,  Sxx = sum(n x^2) - N xbar^2,  chi2 = T^2 / (p (1-p) Sxx),  b = T / Sxx.
    """
    r, n, x = (np.asarray(a, dtype=float) for a in (r, n, x))
    big_n, big_r = n.sum(), r.sum()
    p_bar = big_r / big_n
    x_bar = (n * x).sum() / big_n
    t_stat = (r * x).sum() - big_r * x_bar
    sxx = (n * x * x).sum() - big_n * x_bar * x_bar
    if sxx <= 0 or p_bar <= 0 or p_bar >= 1:
        return 0.0, 1.0, 0.0
    chi2 = t_stat * t_stat / (p_bar * (1 - p_bar) * sxx)
    return float(chi2), float(sps.chi2.sf(chi2, 1)), float(t_stat / sxx)


def effective_base(value_pct: float, lower_pct: float, upper_pct: float) -> float | None:
    """Sample size implied by a 95% interval around a percentage; None if it cannot be derived."""
    if any(pd.isna(v) for v in (value_pct, lower_pct, upper_pct)):
        return None
    p = value_pct / 100
    half = (upper_pct - lower_pct) / 200
    if half <= 0 or not 0 < p < 1:
        return None
    return p * (1 - p) * (Z_95 / half) ** 2


def _since_last_break(series: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows from the most recent series break onwards, and that break's note ('' if none)."""
    breaks = series.index[series["series_break"].astype(str).str.strip() != ""]
    if len(breaks) == 0:
        return series, ""
    last = breaks[-1]
    return series.loc[last:], str(series.loc[last, "series_break"])


def recent_trend(series: pd.DataFrame, *, unit: str = "%") -> RecentTrend:
    """Fingertips recent trend for one area's headline series of a proportion.

    `series` holds tidy rows (period, period_end, value, lower_ci, upper_ci, numerator,
    denominator, series_break) for one area and breakdown. Non-proportions are not tested.
    """
    if unit.strip() != "%":
        return RecentTrend(NOT_ENOUGH, "Trend test not applied: the Fingertips method is for proportions (%).")
    ordered = series.sort_values("period_end").reset_index(drop=True)
    ordered["position"] = np.arange(len(ordered), dtype=float)  # spacing keeps any gaps honest
    usable, break_note = _since_last_break(ordered)
    usable = usable[usable["value"].notna()]
    base, from_ci = [], False
    for row in usable.itertuples():
        if pd.notna(row.numerator) and pd.notna(row.denominator) and row.denominator > 0:
            base.append((float(row.numerator), float(row.denominator)))
        else:
            n_eff = effective_base(row.value, row.lower_ci, row.upper_ci)
            base.append((row.value / 100 * n_eff, n_eff) if n_eff else (np.nan, np.nan))
            from_ci = from_ci or n_eff is not None
    usable = usable.assign(r=[b[0] for b in base], n=[b[1] for b in base]).tail(TREND_POINTS)
    since = " since the series break" if break_note else ""
    if len(usable) < TREND_POINTS:
        return RecentTrend(NOT_ENOUGH, f"Not enough points for a trend: {len(usable)} figure(s){since}; "
                                       f"the test needs {TREND_POINTS}.")
    if usable["n"].isna().any():
        return RecentTrend(NOT_ENOUGH, f"Not enough points for a trend: {int(usable['n'].notna().sum())} of the "
                                       f"last {TREND_POINTS} figures{since} have a sample size or 95% interval "
                                       "to test with.")
    r, n, x = usable["r"].to_numpy(), usable["n"].to_numpy(), usable["position"].to_numpy()
    chi2, p_value, slope = chi2_trend(r, n, x)
    # Drop-one check: each four-point subset must have a slope of the same sign.
    robust = all(
        np.sign(chi2_trend(np.delete(r, i), np.delete(n, i), np.delete(x, i))[2]) == np.sign(slope)
        for i in range(len(r))
    )
    periods = tuple(usable["period"].astype(str))
    span = f"{periods[0]} to {periods[-1]}"
    if p_value < SIGNIFICANCE_P and robust and slope != 0:
        direction = INCREASING if slope > 0 else DECREASING
        sentence = (
            f"{direction} over the last {TREND_POINTS} points ({span}): a statistically significant "
            f"trend at the 99.8% level, about {abs(slope) * 100:.1f} percentage points per period."
        )
    elif p_value < SIGNIFICANCE_P:
        direction = NO_CHANGE
        sentence = (
            f"No significant change over the last {TREND_POINTS} points ({span}): the apparent trend "
            "depends on a single point."
        )
    else:
        direction = NO_CHANGE
        sentence = f"No significant change over the last {TREND_POINTS} points ({span}) at the 99.8% level."
    return RecentTrend(direction, sentence, periods, chi2, p_value, slope, robust, from_ci)


def pct_change(current: float, previous: float) -> float | None:
    """Percentage change from previous to current; None when either is missing or previous is 0."""
    if pd.isna(current) or pd.isna(previous) or previous == 0:
        return None
    return (current - previous) / previous * 100
