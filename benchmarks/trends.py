"""Timings for the Trends page, for `python -m cohesion bench` (never asserted in tests).

* chart build: `trend_chart` and `small_multiples` for one indicator with 15 periods x 20 areas,
  median of 20 runs. Budget: 50 ms. Also the build plus Streamlit's own conversion to the spec it
  sends to the browser (data as Arrow, spec validated), which is what a page rerun pays.
* control chart: limits and rules for 10 years of monthly counts, median of 20 runs.
* page warm rerun: the Trends page rerun in AppTest after a first (cold) run, median of 10.
  Budget: 200 ms. It uses the live store and the catalogue's first indicator with data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.run import median_ms
from cohesion import tidy
from cohesion.catalogue.models import Indicator, Target
from cohesion.trends import charts, spc

RUNS = 20


def _median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    return median_ms(fn, runs)


def synthetic_frame(periods: int = 15, areas: int = 20, seed: int = 1) -> pd.DataFrame:
    """Benchmark input only (never shown): `areas` x `periods` survey percentages with intervals."""
    rng = np.random.default_rng(seed)
    labels = [f"{y}/{(y + 1) % 100:02d}" for y in range(2010, 2010 + periods)]
    rows = []
    for a in range(areas):
        base = rng.uniform(40, 70)
        for label in labels:
            value = base + rng.normal(0, 2)
            rows.append({"period": label, "area_code": f"E0600{a:04d}", "area_name": f"Area {a + 1}",
                         "value": value, "lower_ci": value - 4, "upper_ci": value + 4, "unit": "%",
                         "source_id": "bench"})
    return tidy.conform(pd.DataFrame(rows))


def _indicator() -> Indicator:
    return Indicator(id="bench", title="Benchmark indicator", definition="benchmark input", dimension="bench",
                     priorities=["bench"], source="bench", unit="%", polarity="higher_is_better",
                     target=Target(value=60, year=2030), status={"rule": "target"})


def _streamlit_spec(chart: object) -> object:
    """Convert a chart the way st.altair_chart does (private API; plain to_dict if it moves)."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return chart.to_dict()  # type: ignore[attr-defined]
    return _convert_altair_to_vega_lite_spec(chart)  # type: ignore[arg-type]


def chart_timings() -> list[tuple[str, str]]:
    frame, ind = synthetic_frame(), _indicator()
    primary = frame["area_code"].iloc[0]
    comparators = {c: n for c, n in zip(frame["area_code"], frame["area_name"], strict=False) if c != primary}

    def trend() -> object:
        return charts.trend_chart(frame, ind, primary_code=primary, target=ind.target, comparators=comparators)

    def multiples() -> object:
        return charts.small_multiples(frame, ind, facet="area_name")

    months = pd.period_range("2015-01", periods=120, freq="M")
    counts = pd.DataFrame({"period": [str(m) for m in months],
                           "period_end": [m.to_timestamp(how="end") for m in months],
                           "value": np.random.default_rng(2).poisson(40, len(months)).astype(float)})
    each = f"(median of {RUNS})"
    return [
        ("trends: trend chart build 15 periods x 20 areas", f"{_median_ms(trend):.1f} ms {each}"),
        ("trends: trend chart build + Streamlit spec conversion",
         f"{_median_ms(lambda: _streamlit_spec(trend())):.1f} ms {each}"),
        ("trends: small multiples build 15 periods x 20 areas", f"{_median_ms(multiples):.1f} ms {each}"),
        ("trends: small multiples build + Streamlit spec conversion",
         f"{_median_ms(lambda: _streamlit_spec(multiples())):.1f} ms {each}"),
        ("trends: control chart limits and rules, 120 months",
         f"{_median_ms(lambda: spc.control_chart_data(counts)):.1f} ms {each}"),
    ]


def page_rerun_timing(runs: int = 10) -> tuple[str, str]:
    from streamlit.testing.v1 import AppTest

    from cohesion.catalogue import load_catalogue
    from cohesion.config import CATALOGUE_PATH

    dashboard = str(Path(__file__).resolve().parents[2] / "dashboard.py")
    catalogue = load_catalogue(CATALOGUE_PATH)
    at = AppTest.from_file(dashboard, default_timeout=120)
    # A data-rich indicator makes the rerun do the full work (chart, table, download).
    at.query_params["indicator"] = next((i.id for i in catalogue.indicators if i.unit == "%" and i.headline),
                                        catalogue.indicators[0].id)
    at.switch_page("pages/trends.py").run()  # cold: fills the caches
    if at.exception:
        return ("trends: page warm rerun", f"not measured: the page raised {at.exception[0].value}")
    warm = _median_ms(at.run, runs)
    return ("trends: page warm rerun (AppTest)", f"{warm:.0f} ms (median of {runs})")


def bench() -> list[tuple[str, str]]:
    """(label, measured figure) pairs for `python -m cohesion bench`."""
    return [*chart_timings(), page_rerun_timing()]


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:72} {figure}")
