"""Recent-trend test done the way OHID Fingertips does it (its "trend markers").

Fingertips judges a *recent trend* on the five most recent points of a series, at the 99.8%
level (chi-square on 1 degree of freedom above 9.5495), and only calls a trend when it does
not hinge on one point: the slope keeps its sign when each of the five points is dropped in
turn. It has two methods, and so do we:

* proportions with a numerator and denominator: the chi-square test for linear trend in
  proportions (Armitage), `chi2_trend`;
* anything published with a 95% interval (survey percentages without a base, means, rates):
  weighted least-squares regression of the value on time, each point weighted by
  1 / SE^2 with SE = (upper - lower) / 3.92 taken from the interval's width, `weighted_trend`.

Where we are stricter than, or differ from, Fingertips (see docs/method.md):

* the five points must be five *consecutive* periods with a figure, after the last series break;
  a missing or absent period among them means no trend (Fingertips takes the five latest valid
  points; its guidance says series with gaps are not tested);
* a proportion cannot be tested when a denominator is below `MIN_DENOMINATOR` or a count is 0
  or equals its denominator (Fingertips' own code takes log(count / (denominator - count)),
  undefined there);
* counts without an interval are not tested (Fingertips tests rates with intervals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import chdtrc  # chi2.sf, without importing scipy.stats (0.6 s)

from cohesion.trends import timeaxis

TREND_POINTS = 5  # Fingertips: the most recent five points
SIGNIFICANCE_P = 0.002  # 99.8% level
CHI2_998 = 9.54953570608324  # chi-square (1 df) at p = 0.002, the constant in Fingertips' code
Z_95 = 1.959963984540054
CI_WIDTH_TO_SE = 3.92  # 2 x 1.96, as in Fingertips (a 95% interval is 3.92 standard errors wide)
MIN_DENOMINATOR = 10  # our floor: below it a proportion is too unstable to test

INCREASING, DECREASING, NO_CHANGE = "Increasing", "Decreasing", "No significant change"
NOT_ENOUGH = "Not enough points"
CANNOT = "Cannot be calculated"
PROPORTIONS, INTERVALS = "chi-square test for trend in proportions", "weighted regression on 95% intervals"


@dataclass(frozen=True)
class RecentTrend:
    """Outcome of the recent-trend test, with the figures it used and a sentence for the page."""

    direction: str  # INCREASING | DECREASING | NO_CHANGE | NOT_ENOUGH | CANNOT
    sentence: str
    periods: tuple[str, ...] = ()
    chi2: float | None = None
    p_value: float | None = None
    slope_per_period: float | None = None  # proportions: 0-1 per period; intervals: the value's unit
    robust: bool | None = None  # slope keeps its sign when any one point is dropped
    base_from_ci: bool = False  # True when the interval-based (weighted regression) method was used
    method: str | None = None  # PROPORTIONS or INTERVALS


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
    return float(chi2), float(chdtrc(1, chi2)), float(t_stat / sxx)


def weighted_trend(y: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                   x: np.ndarray) -> tuple[float, float, float]:
    """Fingertips' interval-based trend: weighted least squares of y on x, weights 1 / SE^2.

    SE = (upper - lower) / 3.92 (a 95% interval's width). With S1 = sum w, S2 = sum w x y,
    S3 = sum w x, S4 = sum w y, S5 = sum w x^2 and D = S1 S5 - S3^2:
        slope = (S1 S2 - S3 S4) / D,  SE(slope) = sqrt(S1 / D),  chi2 = (slope / SE(slope))^2.
    Returns (chi2 on 1 df, p-value, slope per unit of x).
    """
    y, lower, upper, x = (np.asarray(a, dtype=float) for a in (y, lower, upper, x))
    w = 1 / ((upper - lower) / CI_WIDTH_TO_SE) ** 2
    s1, s2, s3, s4, s5 = w.sum(), (w * x * y).sum(), (w * x).sum(), (w * y).sum(), (w * x * x).sum()
    d = s1 * s5 - s3 * s3
    if d <= 0:
        return 0.0, 1.0, 0.0
    slope = (s1 * s2 - s3 * s4) / d
    chi2 = slope * slope / (s1 / d)
    return float(chi2), float(chdtrc(1, chi2)), float(slope)


def _since_last_break(series: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows from the most recent series break onwards, and that break's note ('' if none)."""
    breaks = series.index[series["series_break"].astype(str).str.strip() != ""]
    if len(breaks) == 0:
        return series, ""
    last = breaks[-1]
    return series.loc[last:], str(series.loc[last, "series_break"])


def _cannot(why: str, periods: tuple[str, ...] = ()) -> RecentTrend:
    return RecentTrend(CANNOT, f"Recent trend cannot be calculated: {why}", periods)


def _last_run(rows: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The latest unbroken run of consecutive periods with a figure, and what ended the run before it."""
    segments = timeaxis.segment_ids(rows)
    last = rows[segments == segments.iloc[-1]]
    if len(last) == len(rows):
        return last, ""
    before = rows.loc[: last.index[0]].iloc[:-1]
    if before["value"].isna().iloc[-1]:
        why = f"{before['period'].iloc[-1]} has no figure"
    else:
        why = f"no figure between {before['period'].iloc[-1]} and {last['period'].iloc[0]}"
    return last, why


def recent_trend(series: pd.DataFrame, *, unit: str = "%") -> RecentTrend:
    """Fingertips recent trend for one area's headline series.

    `series` holds tidy rows (period, period_end, value, lower_ci, upper_ci, numerator,
    denominator, series_break) for one area and breakdown.
    """
    if series is None or series.empty:
        return RecentTrend(NOT_ENOUGH, f"Not enough points for a trend: no figures; the test needs {TREND_POINTS}.")
    ordered = timeaxis.with_dates(series).sort_values("start", kind="stable").reset_index(drop=True)
    usable, break_note = _since_last_break(ordered)
    since = " since the series break" if break_note else ""
    if len(usable) and pd.isna(usable["value"].iloc[-1]) and usable["value"].notna().sum() >= TREND_POINTS:
        # The latest period has no figure: the five latest periods are not all there.
        return _cannot(f"the latest period ({usable['period'].iloc[-1]}) has no figure.")
    run, gap_why = _last_run(usable)
    run = run[run["value"].notna()]
    if len(run) < TREND_POINTS:
        if gap_why and usable["value"].notna().sum() >= TREND_POINTS:
            return _cannot(f"the last {TREND_POINTS} periods{since} are not consecutive ({gap_why}); "
                           "Fingertips does not test a series with gaps.")
        return RecentTrend(NOT_ENOUGH, f"Not enough points for a trend: {len(run)} consecutive period(s) with a figure{since}; "
                                       f"the test needs {TREND_POINTS}.")
    run = run.tail(TREND_POINTS)
    periods = tuple(run["period"].astype(str))
    x = np.arange(1.0, TREND_POINTS + 1)  # consecutive periods, so positions are 1..5 as in Fingertips
    has_base = run["numerator"].notna().all() and run["denominator"].notna().all()
    has_ci = run["lower_ci"].notna().all() and run["upper_ci"].notna().all() and \
        bool((run["upper_ci"] > run["lower_ci"]).all())
    is_pct = (unit or "").strip() == "%"
    if is_pct and has_base:
        r, n = run["numerator"].to_numpy(float), run["denominator"].to_numpy(float)
        if (n < MIN_DENOMINATOR).any():
            return _cannot(f"a base below {MIN_DENOMINATOR} in {periods[int(np.argmax(n < MIN_DENOMINATOR))]}.", periods)
        if ((r <= 0) | (r >= n)).any():
            bad = periods[int(np.argmax((r <= 0) | (r >= n)))]
            return _cannot(f"in {bad} the count is 0 or equals its base (0% or 100%).", periods)

        def fit(keep: np.ndarray) -> tuple[float, float, float]:
            return chi2_trend(r[keep], n[keep], x[keep])
        method = PROPORTIONS
    elif has_ci:
        y, lo, hi = (run[c].to_numpy(float) for c in ("value", "lower_ci", "upper_ci"))

        def fit(keep: np.ndarray) -> tuple[float, float, float]:
            return weighted_trend(y[keep], lo[keep], hi[keep], x[keep])
        method = INTERVALS
    else:
        what = "a numerator and base or a 95% interval" if is_pct else "a 95% interval"
        return _cannot(f"not all of the last {TREND_POINTS} figures ({periods[0]} to {periods[-1]}) have {what}.",
                       periods)
    chi2, p_value, slope = fit(np.ones(TREND_POINTS, bool))
    # Drop-one check as in Fingertips: all six slopes (all points, then each one left out) share a sign.
    # Stricter on one edge: a slope of exactly 0 is no sign (Fingertips counts it as positive).
    signs = {np.sign(fit(np.arange(TREND_POINTS) != i)[2]) for i in range(TREND_POINTS)} | {np.sign(slope)}
    robust = len(signs) == 1
    span = f"{periods[0]} to {periods[-1]}"
    per = f"about {abs(slope) * 100:.1f} percentage points per period" if method == PROPORTIONS \
        else f"about {abs(slope):.2g}{' points' if is_pct else ''} per period"
    if chi2 > CHI2_998 and robust and slope != 0:
        direction = INCREASING if slope > 0 else DECREASING
        sentence = (f"{direction} over the last {TREND_POINTS} points ({span}): a statistically significant "
                    f"trend at the 99.8% level, {per} ({method}).")
    elif chi2 > CHI2_998:
        direction = NO_CHANGE
        sentence = (f"No significant change over the last {TREND_POINTS} points ({span}): the apparent trend "
                    "depends on a single point.")
    else:
        direction = NO_CHANGE
        sentence = f"No significant change over the last {TREND_POINTS} points ({span}) at the 99.8% level ({method})."
    return RecentTrend(direction, sentence, periods, chi2, p_value, slope, robust, method == INTERVALS, method)


def pct_change(current: float, previous: float) -> float | None:
    """Percentage change from previous to current; None when either is missing or previous is 0."""
    if pd.isna(current) or pd.isna(previous) or previous == 0:
        return None
    return (current - previous) / previous * 100
