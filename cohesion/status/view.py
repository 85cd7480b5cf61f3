"""Turn status results into what the Headlines and Priorities pages show: plain data, no Streamlit.

Tiles carry every text a headline tile needs (value with unit, change since the previous period,
status word and symbol, confidence, source, "data as of", next release, a stale-data flag) and
the points of a sparkline. `status_html` is the ONE place that builds HTML; it escapes every
dynamic value. Markdown text from the catalogue goes through `md_escape`.

Stale data: a tile is flagged when today is past the latest period's end plus the source's
cadence plus a grace period for publication (STALE_AFTER_DAYS): an annual figure is flagged 18
months after its period ended, a quarterly one after 6 months, a monthly one after 3 months.
Ad hoc and one-off sources are never flagged (no next figure is expected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from cohesion import query
from cohesion.catalogue.models import Catalogue, Indicator, unit_kind
from cohesion.present import format_value, grey_reason_text, plain, source_line, status_badge_html
from cohesion.status.result import PriorityResult, StatusResult
from cohesion.status.service import StatusBundle
from cohesion.style import style_for

# cadence -> (expected gap between periods, grace for publication), in days.
STALE_AFTER_DAYS: dict[str, tuple[int, int]] = {
    "annual": (365, 183), "quarterly": (92, 92), "monthly": (31, 61), "weekly": (7, 14),
}
__all__ = ["StatusBundle", "Tile", "build_tiles", "change_text", "data_as_of", "format_value", "grid_table",
           "headline_order", "md_escape", "pill_detail", "precision_words", "role_label", "PRECISION_LEGEND", "priority_rows", "sparkline_chart", "stale_flag", "status_html"]


@dataclass(frozen=True)
class Tile:
    """Everything one headline tile shows."""

    indicator_id: str
    title: str
    status: str
    symbol: str
    colour: str
    sentence: str
    confidence: str
    detail: str  # beside the pill: confidence, or the Grey reason
    value_text: str  # "57.7%", or "No data yet"
    period: str | None
    change: str | None  # "-8 (-0.5%) since 2017/18"
    source: str
    as_of: str
    next_release: str
    stale: str | None  # a flag sentence when the data are older than the cadence allows
    missing_reason: str | None  # why there is no value, when there is none
    points: pd.DataFrame = field(default_factory=pd.DataFrame)  # period, period_end, value, series_break
    commentary: str | None = None
    role: str = "Strategy measure"  # the tile's role label: the strategy's own measure, or a stand-in
    stands_in_for: str | None = None  # id of the strategy measure a stand-in tile sits beside


def headline_order(catalogue: Catalogue) -> list[Indicator]:
    """Headline indicators in the strategy's order, each stand-in right after the measure it stands in for.

    The catalogue lists the strategy's measures in the strategy's order; a stand-in whose measure is
    not a headline indicator keeps its own place.
    """
    headline = catalogue.headline_indicators()
    ids = {i.id for i in headline}
    stand_ins: dict[str, list[Indicator]] = {}
    for ind in headline:
        if ind.stands_in_for in ids and ind.stands_in_for != ind.id:
            stand_ins.setdefault(ind.stands_in_for, []).append(ind)
    placed = {i.id for group in stand_ins.values() for i in group}
    ordered: list[Indicator] = []
    for ind in headline:
        if ind.id in placed:
            continue
        ordered.append(ind)
        ordered.extend(stand_ins.get(ind.id, []))
    return ordered


def role_label(indicator: Indicator) -> str:
    """'Wellbeing Survey (strategy measure)', 'Community Life Survey stand-in': the catalogue's label or a default."""
    if indicator.headline_label:
        return indicator.headline_label
    return "Stand-in for a strategy measure" if indicator.stands_in_for else "Strategy measure"


# The presenter owns escaping and the badge; these names stay for existing callers.
md_escape = plain
status_html = status_badge_html


def precision_words(confidence: str) -> str:
    """The status engine's confidence label in plain words: how exact the judged figure is."""
    from cohesion.status.stats import HIGH_MAX_RELATIVE_HALF_WIDTH as HIGH
    from cohesion.status.stats import MEDIUM_MAX_RELATIVE_HALF_WIDTH as MEDIUM

    return {
        "High": f"precise figure (95% interval within ±{HIGH:.0%} of it)",
        "Medium": f"fairly precise figure (95% interval within ±{MEDIUM:.0%} of it)",
        "Low": f"imprecise figure (95% interval wider than ±{MEDIUM:.0%} of it)",
    }.get(confidence, "")


PRECISION_LEGEND = (
    "Beside each status: how precise the figure is. Precise: its 95% interval is within ±5% of it; "
    "fairly precise: within ±15%; imprecise: wider."
)


def pill_detail(result: StatusResult) -> str:
    """Text beside a status pill: the Grey reason in two words, else how precise the figure is in two."""
    if result.status == "Grey":
        return grey_reason_text(result.grey_reason)
    words = precision_words(result.confidence).split(" (")[0]
    return words[:1].upper() + words[1:]


def change_text(series: pd.DataFrame, unit: str) -> str | None:
    """Change from the previous published figure: '+1.3 points since 2023/24', '-8 (-0.5%) since 2017/18'."""
    known = series[series["value"].notna()] if not series.empty else series
    if len(known) < 2:
        return None
    latest, previous = known.iloc[-1], known.iloc[-2]
    if str(latest.get("series_break") or "").strip():
        return f"Not comparable with {previous['period']} (series break)"
    diff = float(latest["value"]) - float(previous["value"])
    if unit_kind(unit) == "percent":
        return f"{diff:+.1f} points since {previous['period']}"
    if float(previous["value"]) != 0 and unit_kind(unit) == "count":
        return f"{diff:+,.0f} ({diff / float(previous['value']) * 100:+.1f}%) since {previous['period']}"
    return f"{diff:+.2f} since {previous['period']}" if abs(diff) < 10 else f"{diff:+,.1f} since {previous['period']}"


def data_as_of(series: pd.DataFrame) -> str:
    """'Data as of 2024/25 (period ended 31 Mar 2025)', or 'No data loaded yet'."""
    if series.empty:
        return "No data loaded yet"
    latest = series.iloc[-1]
    end = pd.Timestamp(latest["period_end"]) if pd.notna(latest["period_end"]) else None
    ended = f" (period ended {end.day} {end:%b %Y})" if end is not None else ""
    return f"Data as of {latest['period']}{ended}"


def stale_flag(period_end: Any, cadence: str, today: date) -> str | None:
    """A flag sentence when today is past period end + cadence + grace; None when current or not applicable."""
    if cadence not in STALE_AFTER_DAYS or period_end is None or pd.isna(period_end):
        return None
    gap, grace = STALE_AFTER_DAYS[cadence]
    due = pd.Timestamp(period_end).date() + timedelta(days=gap + grace)
    if today <= due:
        return None
    return f"Out of date: a newer {cadence} figure was expected by {due:%B %Y}"


def _source_text(catalogue: Catalogue, indicator: Indicator, series: pd.DataFrame) -> tuple[str, str, str]:
    # The latest figure's own source: a typed-in news-release figure is credited to the release.
    row = series.iloc[-1] if not series.empty else None
    source = query.figure_source(catalogue, row, indicator)
    if source is None:
        return indicator.source, "Not announced", "ad hoc"
    return source_line(catalogue, row, indicator), source.next_release or "Not announced", source.cadence


def build_tiles(catalogue: Catalogue, results: dict[str, StatusResult], observations: pd.DataFrame,
                today: date) -> list[Tile]:
    """One tile per headline indicator, in the strategy's order with stand-ins beside their measure."""
    groups = query.narrow(catalogue, observations)
    tiles = []
    for ind in headline_order(catalogue):
        result = results[ind.id]
        series = query.series_of(catalogue, groups.get(ind.id, observations.iloc[0:0]))
        known = series[series["value"].notna()] if not series.empty else series
        style = style_for(result.status)
        source, next_release, cadence = _source_text(catalogue, ind, series)
        latest = series.iloc[-1] if not series.empty else None
        has_value = latest is not None and pd.notna(latest["value"])
        missing = None if has_value else _missing_reason(result, latest)
        tiles.append(Tile(
            indicator_id=ind.id, title=ind.title, status=result.status, symbol=style.symbol, colour=style.colour,
            sentence=result.sentence, confidence=result.confidence, detail=pill_detail(result),
            value_text=format_value(latest["value"] if has_value else None, ind.unit),
            period=str(latest["period"]) if latest is not None else None,
            change=change_text(series, ind.unit), source=source, as_of=data_as_of(series),
            next_release=next_release,
            stale=stale_flag(latest["period_end"], cadence, today) if latest is not None else None,
            missing_reason=missing,
            points=known[["period", "period_end", "value", "series_break"]].reset_index(drop=True),
            commentary=result.commentary, role=role_label(ind), stands_in_for=ind.stands_in_for,
        ))
    return tiles


def _missing_reason(result: StatusResult, latest: Any) -> str | None:
    # The status sentence already says "no data yet"; add the publisher's own reason when there is one.
    if latest is not None and str(latest.get("status_note") or "").strip():
        return f"{latest['period']}: {latest['status_note']}"
    return None


def sparkline_chart(points: pd.DataFrame, unit: str, height: int = 90) -> Any:
    """A small Altair line of the series with its first and last periods labelled under the ends.

    None for fewer than two points (a line needs two). Each end is labelled with its period and
    figure, so a sparkline is never an unlabelled squiggle; the y scale is not shown (the tile gives
    the figure), and a series break starts a new segment, so figures that are not comparable are
    never joined.
    """
    if points is None or len(points) < 2:
        return None
    import altair as alt

    breaks = points["series_break"].fillna("").astype(str).str.strip() != "" if "series_break" in points \
        else pd.Series(False, index=points.index)
    data = points.assign(shown=[format_value(v, unit) for v in points["value"]], segment=breaks.cumsum().to_numpy())
    data = data.reset_index(drop=True)
    ends = data.iloc[[0, len(data) - 1]].assign(label=lambda f: f["period"].astype(str),
                                                 align=["left", "right"])
    x = alt.X("period_end:T", axis=None, scale=alt.Scale(padding=6))
    # The line keeps to the upper part; the period labels have the bottom 24 px to themselves.
    y = alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False, range=[height - 26, 6]))
    base = alt.Chart(data).encode(
        x=x, y=y, detail="segment:N",
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("shown:N", title="Value")],
    )
    line = base.mark_line(color="#1F3B73", strokeWidth=3) + base.mark_point(color="#1F3B73", filled=True, size=40)
    labels = []
    for align, row in zip(("left", "right"), (ends.iloc[[0]], ends.iloc[[1]]), strict=True):
        # Period under each end, anchored inwards so it is never cut at the chart's edge.
        labels.append(alt.Chart(row).mark_text(align=align, baseline="top", dy=4, fontSize=12, color="#333333")
                      .encode(x=x, y=alt.value(height - 16), text="label:N"))
    chart = alt.layer(line, *labels).properties(height=height)
    return chart.configure_view(strokeWidth=0)


def priority_rows(catalogue: Catalogue, priorities: dict[str, PriorityResult]) -> list[dict[str, Any]]:
    """Rows for the priorities list, in strategy order: number, title, status, symbol, coverage, reason, flag."""
    rows = []
    for p in sorted(catalogue.priorities, key=lambda p: p.number):
        r = priorities[p.id]
        s = style_for(r.status)
        rows.append({"priority_id": p.id, "number": p.number, "title": p.title, "status": r.status,
                     "symbol": s.symbol, "label": f"{s.symbol} {s.label}", "coverage": r.coverage_text,
                     "reason": r.sentence, "red_flag": "✖ Red indicator flagged" if r.any_red else ""})
    return rows


def grid_table(grid: pd.DataFrame) -> pd.DataFrame:
    """Priority x dimension grid as display text: '✖ Red · 1 of 2' per cell, '' where no indicators."""
    if grid.empty:
        return pd.DataFrame()

    def cell(row: pd.Series) -> str:
        if not row["total"]:
            return ""
        s = style_for(row["status"])
        return f"{s.symbol} {s.label} · {row['assessed']} of {row['total']}"

    # Short column names (the dimension id, e.g. "Safety") keep five columns readable on a projector.
    text = grid.assign(cell=grid.apply(cell, axis=1), row=grid["priority_number"].astype(str) + ". " +
                       grid["priority_title"], column=grid["dimension_id"].str.replace("_", " ").str.capitalize())
    table = text.pivot(index="row", columns="column", values="cell")
    order = text.drop_duplicates("row")["row"].tolist()
    columns = text.drop_duplicates("column")["column"].tolist()
    return table.loc[order, columns].rename_axis(index="Priority", columns=None)


GRID_CSS = ("<style>.priority-grid{border-collapse:collapse;width:100%;font-size:0.95rem}"
            ".priority-grid th,.priority-grid td{border:1px solid #b1b4b6;padding:0.3rem 0.5rem;text-align:left}"
            ".priority-grid thead th{background:#f3f2f1}.priority-grid tbody th{font-weight:400}"
            ".priority-grid td{white-space:nowrap}</style>")


def grid_html(table: pd.DataFrame) -> str:
    """The grid from `grid_table` as an HTML table: each cell's symbol and words on its status colour,
    row and column headers marked for screen readers. Built once per status bundle by the page; a
    styled dataframe re-ran its styler on every visit."""
    from cohesion.present import html_text

    if table.empty:
        return ""
    head = "".join(f'<th scope="col">{html_text(c)}</th>' for c in table.columns)
    body = []
    for name, cells in table.iterrows():
        texts = [v if isinstance(v, str) else "" for v in cells]
        tds = "".join(f'<td style="{grid_cell_css(t)}">{html_text(t)}</td>' if t else "<td></td>" for t in texts)
        body.append(f'<tr><th scope="row">{html_text(name)}</th>{tds}</tr>')
    return (f'{GRID_CSS}<div style="overflow-x:auto"><table class="priority-grid"><thead><tr>'
            f'<th scope="col">{html_text(table.index.name or "")}</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def grid_cell_css(text: str) -> str:
    """CSS for one grid cell from its text (status colour + white text), for a pandas Styler."""
    if not text:
        return ""
    word = text.split(" ")[1] if " " in text else text
    return f"background-color: {style_for(word).colour}; color: #FFFFFF; font-weight: 600"
