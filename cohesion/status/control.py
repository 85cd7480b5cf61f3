"""The `control_chart` status rule: early-warning signals on monthly counts, never Red or Green.

For tension indicators (police.uk public order, criminal damage, violence, anti-social behaviour)
more reports can mean more harm or more confidence to report, so the status says only whether
the latest month is a signal of special cause on the NHS Making Data Count control chart
(`cohesion.trends.tension`, `cohesion.trends.spc`):

- "Signal: higher than expected" / "Signal: lower than expected": the latest month is outside
  the expected range, or part of a run, trend or two-of-three pattern;
- "No signal": the latest month is within the expected range and in no pattern;
- Grey: no monthly figures (no_data), or the small-number guard or a short baseline stops a
  judgement (too_few_points), with the reason.

These words are not scored in the priority roll-up (like Higher / Similar / Lower).
"""

from __future__ import annotations

import pandas as pd

from cohesion.catalogue.models import ControlChartRule, Indicator
from cohesion.status.result import StatusResult
from cohesion.status.rules import grey
from cohesion.trends import tension

SIGNAL_WORDS = (tension.SIGNAL_HIGH, tension.SIGNAL_LOW, tension.NO_SIGNAL)


def control_chart_status(indicator: Indicator, series: pd.DataFrame, rule: ControlChartRule,
                         threshold: int = 10) -> StatusResult:
    """Status of the place's monthly series from its control chart (see the module docstring)."""
    monthly = series[series["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")] if len(series) else series
    if monthly.empty or monthly["value"].notna().sum() == 0:
        return grey(indicator, "control_chart", "no_data", "no monthly figures are loaded yet.")
    area = str(monthly["area_name"].iloc[-1]) if "area_name" in monthly else ""
    result = tension.chart(tension.area_series(monthly, str(monthly["area_code"].iloc[-1])),
                           seasonal=rule.seasonal, threshold=threshold)
    reading = tension.latest_reading(result, tension.crime_type(indicator), area, threshold)
    latest = monthly[monthly["value"].notna()].iloc[-1]
    if reading.status == tension.NOT_JUDGED:
        return grey(indicator, "control_chart", "too_few_points", reading.sentence.split("; not judged. ")[-1],
                    latest)
    figures = {"month": reading.month, "lower": reading.lower, "upper": reading.upper,
               "rules": list(reading.rules), "baseline_months": len(result.baseline_periods),
               "seasonal": result.seasonal}
    shown = None if reading.count < threshold else reading.count  # never a suppressed count in a status
    return StatusResult(indicator_id=indicator.id, status=reading.status, rule="control_chart",
                        sentence=f"{reading.status}: {reading.sentence}", confidence="n/a", figures=figures,
                        latest_value=shown, latest_period=reading.month, unit=indicator.unit)
