"""Statistics behind the status rules: exact intervals, Fingertips-style comparison, confidence.

Kept free of the catalogue and of Streamlit so each function can be checked against worked
examples by hand (see tests/test_status_rules.py).

- `clopper_pearson`: the exact binomial interval for a proportion.
- `poisson_ratio_ci`: the exact interval for the ratio of two Poisson counts. Conditional on the
  total n = a + b, the later count b is Binomial(n, p) with p = rate_b / (rate_a + rate_b), so a
  Clopper-Pearson interval for p maps to an interval for the ratio p / (1 - p). This is the
  standard conditional (binomial) method for comparing two counts over equal exposure.
- `poisson_count_ci` / `byar_count_ci` / `count_interval`: intervals for a single count. PHE and
  Fingertips use Byar's approximation for counts of 10 or more and the exact (Garwood) interval
  below 10; `count_interval` does the same and says which method it used, with a label to show.
- `compare_with_interval`: the way OHID Fingertips compares an area with a benchmark value:
  "similar" when the benchmark lies inside the area's 95% interval, otherwise higher or lower.
- `compare_two_levels`: Fingertips' two-level comparison, at 95% and at 99.8%.
- `confidence_label`: High / Medium / Low from the relative half-width of an interval (or of the
  exact Poisson interval of a count, i.e. from its base size).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# scipy.special, not scipy.stats: the same functions (scipy.stats calls them), without the 0.6 s
# import of scipy.stats that every command and the board pack paid.
from scipy.special import betaincinv, gammaincinv, ndtri

# Relative half-width of an interval (half-width / |value|) at or below which a figure is
# labelled High, then Medium; anything wider is Low. 5% and 15% match common survey practice
# (a +/-3 point interval on a 60% estimate is High; the boosted CLS local estimates are Medium).
HIGH_MAX_RELATIVE_HALF_WIDTH = 0.05
MEDIUM_MAX_RELATIVE_HALF_WIDTH = 0.15


def clopper_pearson(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) interval for a binomial proportion successes / trials."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0 (got {successes} of {trials})")
    alpha = 1 - confidence
    lower = 0.0 if successes == 0 else float(betaincinv(successes, trials - successes + 1, alpha / 2))
    upper = 1.0 if successes == trials else float(betaincinv(successes + 1, trials - successes, 1 - alpha / 2))
    return lower, upper


def poisson_ratio_ci(previous_count: float, latest_count: float,
                     confidence: float = 0.95) -> tuple[float, float, float]:
    """Ratio latest / previous of two Poisson counts with its exact conditional interval.

    Returns (ratio, lower, upper). An upper limit of `math.inf` means the data cannot bound it
    (previous count 0). Counts must be whole numbers >= 0, not both 0.
    """
    a, b = _whole(previous_count), _whole(latest_count)
    if a + b == 0:
        raise ValueError("both counts are 0: no ratio can be formed")
    p_lower, p_upper = clopper_pearson(b, a + b, confidence)
    ratio = math.inf if a == 0 else b / a
    lower = p_lower / (1 - p_lower) if p_lower < 1 else math.inf
    upper = math.inf if p_upper >= 1 else p_upper / (1 - p_upper)
    return ratio, lower, upper


def poisson_count_ci(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) interval for a single Poisson count, via the chi-square / gamma link."""
    n = _whole(count)
    alpha = 1 - confidence
    lower = 0.0 if n == 0 else float(gammaincinv(n, alpha / 2))  # chi2.ppf(q, 2n) / 2
    upper = float(gammaincinv(n + 1, 1 - alpha / 2))  # chi2.ppf(q, 2n + 2) / 2
    return lower, upper


BYAR_MIN_COUNT = 10  # PHE: Byar's method from 10 events, the exact method below


def byar_count_ci(count: float, confidence: float = 0.95) -> tuple[float, float]:
    """Byar's approximation to the Poisson interval for a count (Breslow and Day 1987), as PHE uses.

    lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3,  upper = (O + 1) (1 - 1/(9 (O + 1)) + z / (3 sqrt(O + 1)))^3
    with z the two-sided normal quantile (1.96 for 95%). For O = 100 at 95%: 81.37 to 121.63.
    """
    o = _whole(count)
    if o == 0:
        raise ValueError("Byar's method needs a count above 0; use the exact interval")
    z = float(ndtri(1 - (1 - confidence) / 2))
    lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower, upper


@dataclass(frozen=True)
class CountInterval:
    """A count's interval and the method behind it, with the words to show beside it."""

    lower: float
    upper: float
    method: str  # "byar" or "exact"
    confidence: float

    @property
    def label(self) -> str:
        name = "Byar's method" if self.method == "byar" else "exact Poisson method"
        return f"{self.confidence * 100:g}% confidence interval ({name})"


def count_interval(count: float, confidence: float = 0.95, method: str = "auto") -> CountInterval:
    """Interval for a count: 'auto' is Byar's method from 10 events and exact below (PHE practice)."""
    if method not in ("auto", "byar", "exact"):
        raise ValueError(f"method must be 'auto', 'byar' or 'exact' (got {method!r})")
    use = method if method != "auto" else ("byar" if _whole(count) >= BYAR_MIN_COUNT else "exact")
    lower, upper = byar_count_ci(count, confidence) if use == "byar" else poisson_count_ci(count, confidence)
    return CountInterval(lower, upper, use, confidence)


def widen_interval(value: float, lower: float, upper: float, confidence: float) -> tuple[float, float]:
    """A published 95% interval rescaled to another level, side by side (normal approximation).

    Each side's distance from the value is multiplied by z(level) / z(95%): for 99.8%,
    3.0902 / 1.9600 = 1.5767. Sides are kept apart so an asymmetric interval stays asymmetric.
    """
    k = float(ndtri(1 - (1 - confidence) / 2) / ndtri(0.975))
    return value - (value - lower) * k, value + (upper - value) * k


def compare_two_levels(value: float, lower: float, upper: float, benchmark: float) -> tuple[str, str | None]:
    """Fingertips' two-level comparison: (direction, level) with level '99.8%', '95%' or None.

    The direction is decided at 95% (as the one-level comparison); the level says whether the
    difference also holds at 99.8% (the 99.8% interval derived by `widen_interval`).
    """
    direction = compare_with_interval(lower, upper, benchmark)
    if direction == "similar":
        return direction, None
    lo998, hi998 = widen_interval(value, lower, upper, 0.998)
    return direction, "99.8%" if compare_with_interval(lo998, hi998, benchmark) != "similar" else "95%"


def compare_with_interval(lower: float, upper: float, benchmark: float) -> str:
    """'similar' if benchmark lies within [lower, upper], else 'higher' or 'lower' (the area vs benchmark)."""
    if math.isnan(lower) or math.isnan(upper) or math.isnan(benchmark):
        raise ValueError("an interval limit or the benchmark is missing")
    if lower > benchmark:
        return "higher"
    if upper < benchmark:
        return "lower"
    return "similar"


def confidence_label(value: float | None, lower: float | None = None, upper: float | None = None,
                     *, count: float | None = None) -> str:
    """High / Medium / Low from the interval's relative half-width, or from a count's base size.

    With no interval and no count there is nothing to judge precision by, so the label is "n/a".
    """
    if value is not None and _ok(value) and lower is not None and upper is not None and _ok(lower) and _ok(upper):
        if value == 0:
            return "Low"
        relative = (upper - lower) / 2 / abs(value)
    elif count is not None and _ok(count) and count >= 0:
        if count == 0:
            return "Low"
        lo, hi = poisson_count_ci(count)
        relative = (hi - lo) / 2 / count
    else:
        return "n/a"
    if relative <= HIGH_MAX_RELATIVE_HALF_WIDTH:
        return "High"
    if relative <= MEDIUM_MAX_RELATIVE_HALF_WIDTH:
        return "Medium"
    return "Low"


def compound_annual_growth(start: float, end: float, years: float) -> float:
    """(end / start) ** (1 / years) - 1; both values must be positive and years > 0."""
    if start <= 0 or end <= 0 or years <= 0:
        raise ValueError("compound growth needs positive values and a positive number of years")
    return (end / start) ** (1 / years) - 1


def _whole(count: float) -> int:
    if not _ok(count) or count < 0 or abs(count - round(count)) > 1e-9:
        raise ValueError(f"a count must be a whole number >= 0 (got {count})")
    return int(round(count))


def _ok(x: float) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))
