"""Charts for the board pack, rendered to PNG on the server with vl-convert (no browser needed).

Uses the Trends page's chart builder (`cohesion.trends.charts.trend_chart`) when this build has
it, so the pack and the page show the same picture; otherwise a minimal Altair line chart of the
place's headline series with its comparators. Either way the chart becomes PNG bytes here, and
the same spec renders identically on any machine.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import altair as alt
import pandas as pd
import vl_convert

from cohesion.catalogue.models import Catalogue

CHART_WIDTH_PX = 520
CHART_HEIGHT_PX = 170
PNG_SCALE = 2  # 2x pixels, so print stays sharp at the size the PDF draws it


def _series_frame(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """Headline rows of the place and its comparators that have a value, labelled for the legend."""
    names = {catalogue.place.code: catalogue.place.name}
    names.update({c.code: c.name for c in catalogue.place.comparators})
    rows = observations[
        (observations["indicator_id"] == indicator_id)
        & (observations["breakdown"] == "")
        & observations["area_code"].isin(list(names))
        & observations["value"].notna()
    ]
    if rows.empty:
        return rows
    out = rows[["period", "period_end", "area_code", "value", "unit"]].copy()
    out["series"] = out["area_code"].map(names)
    out["period_end"] = pd.to_datetime(out["period_end"])
    return out.sort_values("period_end", kind="stable")


def simple_trend_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> alt.Chart | None:
    """A plain line chart of the headline series over published periods; None when no figures."""
    frame = _series_frame(catalogue, observations, indicator_id)
    place_rows = frame[frame["area_code"] == catalogue.place.code] if not frame.empty else frame
    if place_rows.empty:
        return None
    indicator = catalogue.indicator(indicator_id)
    order = list(dict.fromkeys(frame.sort_values("period_end")["period"]))
    series_order = [catalogue.place.name] + [s for s in frame["series"].unique() if s != catalogue.place.name]
    colour = alt.Color("series:N", title=None, sort=series_order,
                       scale=alt.Scale(domain=series_order,
                                       range=["#1F3A93"] + ["#7F7F7F", "#B07AA1", "#59A14F"][: len(series_order) - 1]),
                       legend=alt.Legend(orient="top"))
    # Comparators dashed so the place's own line stands out in greyscale print too.
    dash = alt.StrokeDash("series:N", sort=series_order, legend=None,
                          scale=alt.Scale(domain=series_order, range=[[1, 0]] + [[5, 3]] * (len(series_order) - 1)))
    base = alt.Chart(frame).encode(
        x=alt.X("period:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=indicator.unit, scale=alt.Scale(zero=False)),
        color=colour,
    )
    layers: list[Any] = [base.mark_line(strokeWidth=2.5).encode(strokeDash=dash), base.mark_point(filled=True, size=45)]
    if indicator.target.value is not None:
        target = pd.DataFrame({"value": [indicator.target.value], "label": [f"target {indicator.target.year}"]})
        rule = alt.Chart(target).mark_rule(color="#1B7837", strokeDash=[2, 2]).encode(y="value:Q")
        text = alt.Chart(target).mark_text(align="left", dx=4, dy=-6, color="#1B7837").encode(
            y="value:Q", text="label:N", x=alt.value(0))
        layers += [rule, text]
    return alt.layer(*layers).properties(width=CHART_WIDTH_PX, height=CHART_HEIGHT_PX).configure_view(stroke=None)


def key_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> alt.Chart | None:
    """The Trends page's chart if this build has one that accepts our arguments, else ours."""
    try:
        builder = importlib.import_module("cohesion.trends.charts").trend_chart
    except (ImportError, AttributeError):
        return simple_trend_chart(catalogue, observations, indicator_id)
    try:
        params = inspect.signature(builder).parameters
        kwargs = {"catalogue": catalogue, "observations": observations, "indicator_id": indicator_id}
        usable = {k: v for k, v in kwargs.items() if k in params}
        chart = builder(**usable) if len(usable) == len(kwargs) else None
    except Exception:  # another feature's builder must never stop the pack; fall back to ours
        chart = None
    return chart if chart is not None else simple_trend_chart(catalogue, observations, indicator_id)


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    """Render an Altair chart to PNG bytes with vl-convert (no browser, same output everywhere)."""
    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)


def png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height read from a PNG header (so the PDF keeps the aspect ratio)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
