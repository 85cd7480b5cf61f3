"""Charts for the board pack, rendered to SVG on the server with vl-convert (no browser needed).

Uses the Trends page's chart builder (`cohesion.trends.charts.trend_chart`) when this build has
it, so the pack and the page show the same picture; otherwise a minimal Altair line chart of the
place's headline series with its comparators. Either way the chart becomes an SVG document here,
which Typst draws as vectors: sharp at any zoom, and a smaller PDF than 2x PNGs. The SVG's
text is set in the pack's own font (see `layout.fonts`), so vl-convert lays the labels out with
the same letter widths the PDF draws them with.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import vl_convert

if TYPE_CHECKING:
    import altair as alt

from cohesion.catalogue.models import Catalogue
from cohesion.meeting.assess import headline_series
from cohesion.report.layout import fonts

# Two charts side by side on A4 (about 88 mm each), drawn at their natural size: 10 px type is
# 7.5 pt on paper.
CHART_WIDTH_PX = 330
CHART_HEIGHT_PX = 140
PRINT_FONT_SIZE = 10
SVG_CACHE_SIZE = 128  # about 10 charts per pack, ~35 KB each
_SVG_CACHE: dict[str, str] = {}


def _indicator_rows(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> tuple[pd.DataFrame, str]:
    """Headline rows of the indicator (place and comparators) and the code standing for the place."""
    rows = observations[(observations["indicator_id"] == indicator_id) & (observations["breakdown"] == "")]
    place_rows = headline_series(catalogue, observations, indicator_id)
    primary = str(place_rows["area_code"].iloc[0]) if not place_rows.empty else catalogue.place.code
    return rows, primary


def simple_trend_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> alt.Chart | None:
    """A plain line chart of the headline series over published periods; None when no figures."""
    # Altair is imported where a chart is built: the report command builds them in a copy of its
    # process (engine.Engine.draw_elsewhere), so the command itself never pays for the import.
    import altair as alt

    rows, primary = _indicator_rows(catalogue, observations, indicator_id)
    names = {primary: catalogue.place.name} | {c.code: c.name for c in catalogue.place.comparators if c.code != primary}
    frame = rows[rows["area_code"].isin(list(names)) & rows["value"].notna()].copy()
    if frame.empty or not (frame["area_code"] == primary).any():
        return None
    frame["series"] = frame["area_code"].map(names)
    frame = frame.sort_values("period_end", kind="stable")[["period", "value", "series"]]
    indicator = catalogue.indicator(indicator_id)
    order = list(dict.fromkeys(frame["period"]))
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


def load_builders() -> None:
    """Import the chart builders (Altair, the Trends page's) ahead of the first chart."""
    import altair  # noqa: F401

    with contextlib.suppress(ImportError):
        importlib.import_module("cohesion.trends.charts")


def key_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> dict[str, Any] | None:
    """The Vega-Lite spec of the indicator's chart for print; None when the place has no figure.

    The Trends page's chart when this build has it (the same picture as on screen), made compact
    for paper and set in the pack's font; else our simple chart.
    """
    chart = screen_chart(catalogue, observations, indicator_id, width=CHART_WIDTH_PX, height=CHART_HEIGHT_PX)
    if chart is None:
        return None
    # validate=False: the builders are ours and tested; schema validation was a third of the build time.
    spec = compact_for_print(chart.to_dict(validate=False), y_title=catalogue.indicator(indicator_id).unit)
    spec["config"] = {**spec.get("config", {}), "font": fonts().family}
    return spec


def compact_for_print(spec: dict[str, Any], *, y_title: str, font_size: float | None = PRINT_FONT_SIZE) -> dict[str, Any]:
    """Shrink a screen chart for A4: short y-axis title (the unit; the caption names the indicator),
    print-sized fonts (unless `font_size` is None) and untruncated legend labels. Works on the spec,
    so any builder's chart fits. Also used for the meeting page, where the long title was cut off."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            enc = out.get("encoding")
            if isinstance(enc, dict) and isinstance(enc.get("y"), dict) and "title" in enc["y"]:
                enc["y"] = {**enc["y"], "title": y_title}
            for key in ("labelFontSize", "titleFontSize"):
                if font_size is not None and key in out and isinstance(out[key], int | float):
                    out[key] = min(out[key], font_size)
            if "labelFontSize" in out and "symbolStrokeWidth" in out:  # a legend
                out["labelLimit"] = 400
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def meeting_chart_spec(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str, *,
                       height: int = 380) -> dict[str, Any] | None:
    """The chart for meeting mode: the Trends page's chart at full width, y-axis titled by the unit."""
    chart = screen_chart(catalogue, observations, indicator_id, width="container", height=height)
    if chart is None:
        return None
    # validate=False: the builders are ours and tested; schema validation was a third of the build time.
    return compact_for_print(chart.to_dict(validate=False), y_title=catalogue.indicator(indicator_id).unit, font_size=None)


def screen_chart(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str, *,
                 width: int | str = "container", height: int = 300) -> alt.TopLevelMixin | None:
    """The indicator's trend chart (Trends page builder when present); None when the place has no figure."""
    rows, primary = _indicator_rows(catalogue, observations, indicator_id)
    if not (rows["area_code"].eq(primary) & rows["value"].notna()).any():
        return None
    try:
        trend_chart = importlib.import_module("cohesion.trends.charts").trend_chart
    except (ImportError, AttributeError):
        return simple_trend_chart(catalogue, observations, indicator_id)
    indicator = catalogue.indicator(indicator_id)
    comparators = {c.code: c.name for c in catalogue.place.comparators if c.code != primary}
    try:
        return trend_chart(rows, indicator, primary_code=primary, target=indicator.target, comparators=comparators,
                           width=width, height=height)
    except Exception:  # another feature's builder must never stop the pack; fall back to ours
        return simple_trend_chart(catalogue, observations, indicator_id)


def chart_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Render a chart (Altair or a Vega-Lite dict) to an SVG document with vl-convert: no browser,
    same everywhere. (vl-convert holds the GIL while it works, so charts are rendered one after
    another: threads only made them slower.)

    Not schema-validated again here (a third of building the pack's charts): the builders are the
    Trends page's, whose specs are validated there (Streamlit's to_dict) and by the chart tests."""
    return vl_convert.vegalite_to_svg(chart if isinstance(chart, dict) else chart.to_dict(validate=False))


def _data_key(catalogue: Catalogue, rows: pd.DataFrame, indicator_id: str) -> str:
    """Everything a key chart depends on: the indicator's entry, the place, the font and its rows."""
    try:  # a 64-bit hash per row: a few ms, where writing the rows out as JSON took ten times that
        data = pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes() + "\x1f".join(rows.columns).encode()
    except TypeError:  # a cell pandas cannot hash (never in the store's columns): its text instead
        data = rows.to_json(orient="split", date_format="iso", default_handler=str).encode()
    parts = [catalogue.indicator(indicator_id).model_dump_json(), catalogue.place.model_dump_json(), fonts().family]
    return hashlib.sha256("\x1f".join(parts).encode() + b"\x1f" + data).hexdigest()


class ChartEngine(Protocol):
    """Draws charts elsewhere (`engine.Engine`): `draw` takes a spec and returns what the markup
    carries in place of its SVG; `drawn` holds those per chart key for one build."""

    drawn: dict[str, str]

    def draw(self, spec: dict[str, Any]) -> str: ...


def render_key_charts(catalogue: Catalogue, observations: pd.DataFrame, indicator_ids: list[str],
                      engine: ChartEngine | None = None) -> dict[str, str | None]:
    """SVG of each indicator's key chart (None when it has no figures).

    SVGs are kept per process keyed on the chart's data, so a second pack with the same data
    renders nothing. With an `engine`, each chart is handed to it instead (once per chart key)
    and the value is the engine's stand-in for the SVG.
    """
    by_indicator = {str(k): g for k, g in observations.groupby("indicator_id", sort=False)} \
        if not observations.empty else {}
    cache = _SVG_CACHE if engine is None else engine.drawn
    out: dict[str, str | None] = {}
    for ind_id in dict.fromkeys(indicator_ids):
        rows = by_indicator.get(ind_id, observations.iloc[0:0])
        key = _data_key(catalogue, rows, ind_id)
        if key not in cache:
            spec = key_chart(catalogue, rows, ind_id)
            if spec is None:
                out[ind_id] = None
                continue
            if engine is not None:
                cache[key] = engine.draw(spec)
            else:
                while len(_SVG_CACHE) >= SVG_CACHE_SIZE:
                    _SVG_CACHE.pop(next(iter(_SVG_CACHE)))
                _SVG_CACHE[key] = chart_svg(spec)
        out[ind_id] = cache[key]
    return out


def chart_takeaway(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str) -> str:
    """The chart's text alternative: the Trends page's takeaway sentence for the same rows."""
    from cohesion.trends.takeaway import trend_takeaway

    rows, primary = _indicator_rows(catalogue, observations, indicator_id)
    indicator = catalogue.indicator(indicator_id)
    comparators = {c.code: c.name for c in catalogue.place.comparators if c.code != primary}
    target = indicator.target if indicator.target.value is not None else None
    # No area_label: the takeaway names the area of the place's series (a force area for police
    # figures), as the Trends page does.
    return trend_takeaway(rows, indicator, primary_code=primary, comparators=comparators, target=target)
