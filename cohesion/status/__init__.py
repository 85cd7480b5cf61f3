"""The status engine: honest Red / Amber / Green / Grey for indicators, priorities and dimensions.

No Streamlit here. `assess_all` gives every indicator a StatusResult from its catalogue rule
(rules.py), `roll_up` and `status_grid` combine them (rollup.py), and `load_manual_statuses`
reads the Delivery Group's hand-set statuses (manual.py). `python -m cohesion status --json`
prints all of it (cli.py).
"""

from cohesion.status.engine import (
    assess_all,
    assess_indicator,
    comparator_rows,
    headline_area,
    latest_and_previous,
    place_series,
)
from cohesion.status.manual import load_manual_statuses
from cohesion.status.result import PriorityResult, StatusResult
from cohesion.status.rollup import ROLL_UP_RULE_TEXT, roll_up, roll_up_dimensions, status_grid

__all__ = [
    "ROLL_UP_RULE_TEXT", "PriorityResult", "StatusResult", "assess_all", "assess_indicator", "comparator_rows",
    "headline_area", "latest_and_previous", "load_manual_statuses", "place_series", "roll_up",
    "roll_up_dimensions", "status_grid",
]
