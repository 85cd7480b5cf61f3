"""Altair chart builders for the Trends page: plain functions, tidy frame in, chart out.

* `trend_chart`: one indicator for the place over every period, with 95% intervals as vertical
  rules, comparator lines (England, region, single-tier median), the target as a labelled
  horizontal rule, series breaks as labelled vertical rules, and missing periods as gaps marked
  "no figure" (never plotted as 0).
* `small_multiples`: the same series split by breakdown (hate crime strand, age group) or area,
  one panel each on a shared y scale so panels can be compared honestly.
* `control_chart`: monthly counts with the centre line, control limits and special-cause flags
  (see `cohesion.trends.spc`). Flagged points differ by shape and label, not only colour.

Lines never join across a gap or a series break: each unbroken run of periods gets its own
`segment` id, drawn as a separate line via the `detail` channel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

import altair as alt
import pandas as pd

from cohesion.catalogue.models import Catalogue, Indicator, Target
from cohesion.trends import timeaxis
from cohesion.trends.spc import SpcResult

PRIMARY_COLOUR = "#1F4E79"
COMPARATOR_COLOURS = ["#6B6B6B", "#A64D00", "#5E3C99", "#01665E"]
COMPARATOR_DASHES = [[6, 3], [2, 2], [8, 3, 2, 3], [1, 3]]
SIGNAL_COLOUR, COMMON_COLOUR, LIMIT_COLOUR = "#B2182B", "#1F4E79", "#6B6B6B"
SIGNALS = ["Within expected variation", "Signal (special cause)"]  # shape and colour both differ
FONT_SIZE = 13  # readable on a projector
GAP_COLOUR = "#BDBDBD"  # light grey band behind the periods with no figure
NO_FRAME = alt.Config(view=alt.ViewConfig(stroke=None))

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def _no_eager_validation() -> Iterator[None]:
    # Altair validates every object as it is built; the finished spec is still validated by
    # to_dict() (Streamlit calls it), so skipping the eager checks only removes repeated work.
    with alt.utils.schemapi.debug_mode(False):
        yield


def _fast(fn: F) -> F:
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _no_eager_validation():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class SeriesChoice:
    """What a chart of one indicator draws: the place's own area, comparators, other areas, groups."""

    primary_code: str | None
    primary_name: str | None
    comparators: dict[str, str] = field(default_factory=dict)  # area_code -> label, present in the rows
    other_areas: dict[str, str] = field(default_factory=dict)  # area_code -> name, neither of the above
    breakdown_groups: tuple[str, ...] = ()  # e.g. ("strand",), from breakdowns like strand=Race


def choose_series(catalogue: Catalogue, rows: pd.DataFrame) -> SeriesChoice:
    """Pick the place's series (authority, else police force, else partnership) and what to compare it with.

    `rows` is one indicator's rows (all areas and breakdowns).
    """
    place = catalogue.place
    headline = rows[rows["breakdown"] == ""]
    present = dict(zip(headline["area_code"], headline["area_name"], strict=False))
    candidates = [place.code, place.police_force.code,
                  place.community_safety_partnership.code if place.community_safety_partnership else None]
    primary = next((c for c in candidates if c and c in present), None)
    comparators = {c.code: c.name for c in place.comparators if c.code in present and c.code != primary}
    if primary is None and not comparators and present:
        primary = next(iter(present))  # e.g. only a national series: show it as the series itself
    others = {code: str(name or code) for code, name in present.items() if code != primary and code not in comparators}
    local = rows[(rows["area_code"] == primary) & (rows["breakdown"] != "")] if primary else rows.iloc[0:0]
    groups = tuple(dict.fromkeys(local["breakdown"].str.split("=").str[0]))
    return SeriesChoice(primary, str(present[primary] or primary) if primary else None, comparators, others, groups)


def value_format(unit: str) -> str:
    """d3 format for axis and tooltips: counts whole, percentages one decimal, scores two."""
    unit = (unit or "").strip().lower()
    if unit == "%":
        return ".1f"
    if unit.startswith(("count", "number", "offences")):
        return ",.0f"
    return ".2f"


def _y_title(indicator: Indicator) -> str:
    # The unit, not the title: the title is already the page heading and would be cut off here.
    unit = (indicator.unit or "").strip()
    return {"%": "Per cent (%)", "count": "Count"}.get(unit.lower(), unit[:1].upper() + unit[1:])


def segment_series(rows: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Rows oldest first with real dates (`timeaxis.with_dates`) and `segment` ids.

    A segment changes after a missing value, after periods absent from the table and at a series
    break. With `by`, segments are numbered within each value of that column (one series per value).
    """
    rows = timeaxis.with_dates(rows)
    rows = rows.sort_values([by, "start"] if by else "start", kind="stable").reset_index(drop=True)
    rows["segment"] = timeaxis.segment_ids(rows, by)
    return rows


def _plot_frame(frame: pd.DataFrame, primary_code: str, comparators: Mapping[str, str]) -> pd.DataFrame:
    """Series-labelled rows for the primary area and each comparator, with segment ids."""
    codes = [primary_code, *(c for c in comparators if c != primary_code)]
    rows = frame[frame["area_code"].isin(codes)]
    if rows.empty:
        return pd.DataFrame(columns=[*frame.columns, "start", "end", "date", "_kind", "segment", "series", "kind",
                                     "note"])
    rows = rows.drop_duplicates(["area_code", "period"], keep="last")
    # Vectorised over areas (not a loop per area): this keeps a 20-area chart well inside 50 ms.
    order = {code: n for n, code in enumerate(codes)}
    rows = rows.assign(_order=rows["area_code"].map(order))
    rows = segment_series(rows, by="_order")
    primary_name = rows.loc[rows["area_code"] == primary_code, "area_name"]
    labels = {**comparators, primary_code: str(primary_name.iloc[-1] or primary_code) if len(primary_name)
              else primary_code}
    rows["series"] = rows["area_code"].map(labels)
    rows["kind"] = (rows["area_code"] == primary_code).map({True: "primary", False: "comparator"})
    rows["segment"] = rows["series"] + ":" + rows["segment"].astype(str)
    rows["note"] = rows["status_note"].where(rows["status_note"] != "", rows["series_break"])
    return rows.drop(columns="_order")


def _chart_columns(frame: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    # Only plain columns reach the spec (dates as ISO text), which keeps it small and JSON-safe.
    cols = ["period", "date", "start", "value", "lower_ci", "upper_ci", "source_id", "note", *extra]
    out = frame[[c for c in cols if c in frame.columns]].copy()
    for col in ("date", "start"):
        if col in out:
            out[col] = timeaxis.iso(out[col])
    return out


@_fast
def trend_chart(frame: pd.DataFrame, indicator: Indicator, *, primary_code: str, target: Target | None = None,
                comparators: Mapping[str, str] | None = None, width: int | str = "container",
                height: int = 360) -> alt.LayerChart:
    """The indicator over time for `primary_code`, with intervals, comparators, target and breaks.

    `frame` is the indicator's headline rows (tidy shape; any areas). `comparators` maps
    area_code -> label for the comparator lines to draw when their rows are present.
    """
    comparators = dict(comparators or {})
    data = _plot_frame(frame, primary_code, comparators)
    fmt = value_format(indicator.unit)
    x = timeaxis.x_encoding(data, font_size=FONT_SIZE)
    series_names = data.drop_duplicates("series")["series"].tolist() if not data.empty else []
    kinds = dict(zip(data["series"], data["kind"], strict=False)) if not data.empty else {}
    colours, dashes, ci = [], [], 0
    for name in series_names:
        if kinds[name] == "primary":
            colours.append(PRIMARY_COLOUR)
            dashes.append([1, 0])
        else:
            colours.append(COMPARATOR_COLOURS[ci % len(COMPARATOR_COLOURS)])
            dashes.append(COMPARATOR_DASHES[ci % len(COMPARATOR_DASHES)])
            ci += 1
    colour = alt.Color("series:N", scale=alt.Scale(domain=series_names, range=colours),
                       legend=alt.Legend(title=None, orient="top", labelFontSize=FONT_SIZE, symbolType="stroke", labelLimit=480,
                                         symbolStrokeWidth=3, symbolSize=400))
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=series_names, range=dashes))
    zero = (indicator.unit or "").strip().lower().startswith(("count", "number"))
    y = alt.Y("value:Q", title=_y_title(indicator), scale=alt.Scale(zero=zero),
              axis=alt.Axis(format=fmt, labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE))
    tooltip = [alt.Tooltip("series:N", title="Area"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("value:Q", title="Value", format=fmt),
               alt.Tooltip("lower_ci:Q", title="95% CI lower", format=fmt),
               alt.Tooltip("upper_ci:Q", title="95% CI upper", format=fmt),
               alt.Tooltip("source_id:N", title="Source"), alt.Tooltip("note:N", title="Note")]

    known = _chart_columns(data[data["value"].notna()], ["series", "kind", "segment"])
    layers: list[alt.Chart] = [
        alt.Chart(known, name="lines").mark_line(strokeWidth=3).encode(
            x=x, y=y, color=colour, strokeDash=dash, detail=alt.Detail("segment:N")),
        alt.Chart(known, name="points").mark_point(filled=True, size=90).encode(
            x=x, y=y, color=colour, tooltip=tooltip),
    ]
    with_ci = known[(known["kind"] == "primary") & known["lower_ci"].notna() & known["upper_ci"].notna()]
    if not with_ci.empty:
        layers.insert(0, alt.Chart(with_ci, name="ci").mark_rule(strokeWidth=8, opacity=0.25,
                                                                  color=PRIMARY_COLOUR).encode(
            x=x, y=alt.Y("lower_ci:Q"), y2=alt.Y2("upper_ci"), tooltip=tooltip))
    # Missing periods (marked missing, or absent from the table) as a shaded, labelled band.
    gap_rows = timeaxis.gap_frame(timeaxis.chart_gaps(data[data["kind"] == "primary"], data)) \
        if not data.empty else pd.DataFrame()
    if not gap_rows.empty:
        gap_tip = [alt.Tooltip("why:N", title="Gap")]
        layers.insert(0, alt.Chart(gap_rows, name="gaps").mark_rect(color=GAP_COLOUR, opacity=0.35).encode(
            x=alt.X("gap_start:T"), x2=alt.X2("gap_end"), tooltip=gap_tip))
        layers.append(alt.Chart(gap_rows, name="gap_labels").mark_text(
            fontSize=FONT_SIZE - 1, fontStyle="italic", color="#404040", baseline="top").encode(
            x=alt.X("gap_mid:T"), y=alt.YValue(22), text=alt.Text("label:N"), tooltip=gap_tip))
    breaks = data[(data["series_break"].astype(str).str.strip() != "") & (data["kind"] == "primary")]
    if not breaks.empty:
        # The rule sits where the new series starts (the first day of the break period).
        brk = pd.DataFrame({"period": breaks["period"].astype(str), "start": timeaxis.iso(breaks["start"]),
                            "note": breaks["series_break"].astype(str), "label": "series break"})
        bx = alt.X("start:T")
        layers.append(alt.Chart(brk, name="breaks").mark_rule(strokeDash=[4, 4], color="#595959").encode(
            x=bx, tooltip=[alt.Tooltip("period:N", title="Series break from"), alt.Tooltip("note:N", title="Why")]))
        # Labelled at the foot, left of the rule: right of it sit the new series' first points (often
        # the latest, at the plot's edge), and the top of a gap before it carries the gap's label.
        layers.append(alt.Chart(brk, name="break_labels").mark_text(
            align="right", dx=-4, baseline="bottom", fontSize=FONT_SIZE - 1, color="#595959").encode(
            x=bx, y=alt.YValue({"expr": "height - 4"}), text=alt.Text("label:N")))
    if target is not None and target.value is not None:
        tgt = pd.DataFrame({"target": [target.value],
                            "label": [f"Target {_fmt(target.value, indicator.unit)} by {target.year}"]})
        layers.append(alt.Chart(tgt, name="target").mark_rule(strokeDash=[10, 4], strokeWidth=2,
                                                               color="#1B7837").encode(y=alt.Y("target:Q")))
        # Labelled at the left edge so it never collides with the latest (right-most) points.
        layers.append(alt.Chart(tgt, name="target_label").mark_text(
            align="left", baseline="bottom", dx=4, dy=-3, fontSize=FONT_SIZE, fontWeight="bold",
            color="#1B7837").encode(y=alt.Y("target:Q"), x=alt.XValue(0), text=alt.Text("label:N")))
    return alt.LayerChart(layer=layers, width=width, height=height, config=NO_FRAME)


def _fmt(value: float, unit: str) -> str:
    unit = (unit or "").strip()
    if unit == "%":
        return f"{value:g}%"
    return f"{value:,g} {unit}".strip()


@_fast
def small_multiples(frame: pd.DataFrame, indicator: Indicator, *, facet: str = "breakdown",
                    columns: int = 3, width: int = 260, height: int = 160) -> alt.FacetChart:
    """One small panel per value of `facet` ('breakdown' or 'area_name'), shared y scale.

    Gaps and series breaks split lines as in `trend_chart`; intervals are drawn where known.
    """
    data = segment_series(frame.drop_duplicates([facet, "period"], keep="last"), by=facet)
    data["segment"] = data[facet].astype(str) + ":" + data["segment"].astype(str)
    data = data[data["value"].notna()]
    data["panel"] = data[facet].astype(str).str.replace(r"^[a-z_]+=", "", regex=True).replace("", "All")
    data["note"] = data["status_note"]
    plot = _chart_columns(data, ["panel", "segment"])
    fmt = value_format(indicator.unit)
    x = timeaxis.x_encoding(data, title=None, font_size=11, label_angle=-45)
    y = alt.Y("value:Q", title=indicator.unit, axis=alt.Axis(format=fmt),
              scale=alt.Scale(zero=(indicator.unit or "").lower().startswith("count")))
    tooltip = [alt.Tooltip("panel:N", title="Group"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("value:Q", title="Value", format=fmt), alt.Tooltip("note:N", title="Note")]
    # Marks without data, the data once at the top: Altair then has no per-layer data to compare.
    ci = alt.Chart().mark_rule(strokeWidth=6, opacity=0.25, color=PRIMARY_COLOUR).encode(
        x=x, y=alt.Y("lower_ci:Q"), y2=alt.Y2("upper_ci"))
    line = alt.Chart().mark_line(color=PRIMARY_COLOUR, strokeWidth=2).encode(x=x, y=y, detail=alt.Detail("segment:N"))
    points = alt.Chart().mark_point(filled=True, color=PRIMARY_COLOUR, size=50).encode(x=x, y=y, tooltip=tooltip)
    return alt.FacetChart(
        data=plot, spec=alt.LayerChart(layer=[ci, line, points], width=width, height=height),
        facet=alt.Facet("panel:N", title=None, header=alt.Header(labelFontSize=FONT_SIZE, labelFontWeight="bold")),
        columns=columns,
    )


@_fast
def control_chart(result: SpcResult, *, noun: str = "reports", threshold: int = 10, title: str = "",
                  subtitle: str = "", width: int | str = "container", height: int = 340) -> alt.LayerChart:
    """Monthly counts with centre, limits and flagged points; counts below `threshold` are hidden."""
    pts = result.points.copy()
    pts["shown"] = pts["value"].where(pts["value"] >= threshold)
    pts["signal"] = pts["flagged"].map(lambda f: SIGNALS[1] if f else SIGNALS[0])
    pts["shown_text"] = pts["value"].map(lambda v: "no figure" if pd.isna(v) else
                                         f"fewer than {threshold}" if v < threshold else f"{v:,.0f}")
    plot = pts[["period", "label", "shown", "shown_text", "centre", "lower", "upper", "signal", "flagged"]]
    order = plot["period"].tolist()
    x = alt.X("period:N", sort=order, scale=alt.Scale(domain=order), title="Month",
              axis=alt.Axis(labelAngle=-45, labelFontSize=11, titleFontSize=FONT_SIZE))
    y_title = f"{noun.capitalize()} per month"
    base = alt.Chart(plot)
    limits = plot.melt(id_vars=["period"], value_vars=["upper", "centre", "lower"], var_name="line", value_name="y")
    limits["line"] = limits["line"].map({"upper": "Upper limit", "centre": "Average (centre)", "lower": "Lower limit"})
    limit_chart = alt.Chart(limits, name="limits").mark_line(interpolate="step-after" if result.seasonal else "linear",
                                                             strokeWidth=1.5).encode(
        x=x, y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=True)),
        strokeDash=alt.StrokeDash("line:N", scale=alt.Scale(domain=["Upper limit", "Average (centre)", "Lower limit"],
                                                             range=[[6, 3], [1, 0], [6, 3]]),
                                  legend=alt.Legend(title=None, orient="top")),
        color=alt.ColorValue(LIMIT_COLOUR))
    tooltip = [alt.Tooltip("label:N", title="Month"), alt.Tooltip("shown_text:N", title=noun.capitalize()),
               alt.Tooltip("lower:Q", title="Expected from", format=",.0f"),
               alt.Tooltip("upper:Q", title="Expected to", format=",.0f"), alt.Tooltip("flagged:N", title="Signal")]
    line = base.mark_line(color=COMMON_COLOUR, strokeWidth=2).encode(x=x, y=alt.Y("shown:Q"))
    points = base.mark_point(filled=True, size=110).encode(
        x=x, y=alt.Y("shown:Q"),
        shape=alt.Shape("signal:N", scale=alt.Scale(domain=SIGNALS, range=["circle", "diamond"]),
                        legend=alt.Legend(title=None, orient="top")),
        color=alt.Color("signal:N", scale=alt.Scale(domain=SIGNALS, range=[COMMON_COLOUR, SIGNAL_COLOUR]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=tooltip)
    heading = alt.TitleParams(title, subtitle=subtitle or alt.Undefined, fontSize=FONT_SIZE + 2, anchor="start") \
        if title else alt.Undefined
    return alt.LayerChart(layer=[limit_chart, line, points], width=width, height=height, title=heading,
                          config=NO_FRAME)


BAR_STEP_PX = 36  # height per bar in breakdown charts: a readable bar and its label


@_fast
def breakdown_bars(frame: pd.DataFrame, indicator: Indicator, *, width: int | str = "container") -> alt.LayerChart:
    """Horizontal bars for a breakdown published for a single period, with 95% intervals where known."""
    data = frame[frame["value"].notna()].copy()
    data["group"] = data["breakdown"].astype(str).str.replace(r"^[a-z_]+=", "", regex=True).replace("", "All")
    data["note"] = data["status_note"]
    plot = _chart_columns(data, ["group"])
    fmt = value_format(indicator.unit)
    order = plot["group"].tolist()
    # Full group names (labelLimit 0: never cut) and a fixed band per bar, so every bar and label shows.
    y = alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelFontSize=FONT_SIZE, labelLimit=0))
    x = alt.X("value:Q", title=_y_title(indicator), axis=alt.Axis(format=fmt), scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("value:Q", title="Value", format=fmt), alt.Tooltip("note:N", title="Note")]
    base = alt.Chart(plot)
    bars = base.mark_bar(color=PRIMARY_COLOUR, height=18).encode(x=x, y=y, tooltip=tooltip)
    labels = base.mark_text(align="left", dx=4, fontSize=FONT_SIZE).encode(
        x=x, y=y, text=alt.Text("value:Q", format=fmt))
    layers = [bars, labels]
    if plot["lower_ci"].notna().any():
        layers.append(base.mark_rule(color="#222222").encode(x=alt.X("lower_ci:Q"), x2=alt.X2("upper_ci"), y=y))
    return alt.layer(*layers).properties(width=width, height=alt.Step(BAR_STEP_PX))
