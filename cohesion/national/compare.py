"""Compare with peers: where the council sits among all English authorities with data.

For one nationally published measure (an indicator whose rows cover many authorities), the latest
period's figures for every English authority with a value, ordered by value, with the council's
peer group marked and the group's median. The council is "significantly above/below" the median
when the median lies outside its 95% interval (the Fingertips rule, `status.stats`), else "not
significantly different"; without an interval only its position is stated.

Peer groups (`places.PEER_GROUPS`): all single-tier authorities, single-tier outside London,
the region, and the ONS geographic neighbours (the council itself is not part of its neighbours'
median). `peer_median_rows` gives the same medians to the status engine, so a `benchmark` rule can
name a peer group (comparator codes `peers:<group>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cohesion.catalogue.models import Catalogue, Comparator, Indicator
from cohesion.national import places
from cohesion.status import stats
from cohesion.status.rules import format_value

if TYPE_CHECKING:
    import altair as alt

MIN_AUTHORITIES = 10  # fewer authorities than this is not a national comparison
PEER_PREFIX = "peers:"
TABLE_COLUMNS = ["rank", "area_name", "area_code", "value", "lower_ci", "upper_ci", "role", "period"]


@dataclass(frozen=True)
class Comparison:
    """One measure, one peer group: the table, the group's median and the sentence."""

    indicator: Indicator
    group: str
    group_label: str
    period: str
    table: pd.DataFrame  # TABLE_COLUMNS, ordered by value (lowest first)
    median: float | None
    group_size: int
    place_value: float | None
    sentence: str
    rows: pd.DataFrame  # the tidy rows behind the table, same order (for citations and downloads)


def _english_authorities(rows: pd.DataFrame) -> pd.DataFrame:
    headline = rows[(rows["breakdown"].fillna("") == "") & (rows["area_type"] == "local_authority")]
    return headline[headline["area_code"].str.startswith("E")]


def comparable_indicators(catalogue: Catalogue, observations: pd.DataFrame) -> list[Indicator]:
    """Catalogue indicators published for at least MIN_AUTHORITIES English authorities."""
    rows = _english_authorities(observations)
    rows = rows[rows["value"].notna()]
    # Only an indicator's own measure counts: a comparator measure (England's survey figure beside
    # the council's own question) is not the same question asked everywhere.
    own = pd.Series({ind.id: ind.measure or ind.id for ind in catalogue.indicators})
    rows = rows[rows["measure"] == rows["indicator_id"].map(own)]
    counts = rows.groupby("indicator_id")["area_code"].nunique()
    return [ind for ind in catalogue.indicators if counts.get(ind.id, 0) >= MIN_AUTHORITIES]


def group_members(place: places.PlaceInfo, group: str) -> list[str]:
    """Authorities whose median is the group's benchmark (the council is not its own neighbour)."""
    codes = places.peer_codes(place, group)
    return [c for c in codes if c != place.code] if group == "neighbours" else codes


def group_label(group: str, place: places.PlaceInfo) -> str:
    """The group in words, as it reads after 'the median of the 132 ...'."""
    return {"single_tier": "English single-tier authorities",
            "single_tier_excl_london": "English single-tier authorities outside London",
            "region": f"authorities in the {place.region_name} region",
            "neighbours": "ONS geographic neighbours"}[group]


def _latest_period(rows: pd.DataFrame, place_code: str) -> str | None:
    """The council's latest period with a figure, else the latest period with most authorities."""
    own = rows[(rows["area_code"] == place_code) & rows["value"].notna()]
    if not own.empty:
        return str(own.sort_values("period_end").iloc[-1]["period"])
    known = rows[rows["value"].notna()]
    if known.empty:
        return None
    return str(known.sort_values("period_end").iloc[-1]["period"])


def compare(catalogue: Catalogue, observations: pd.DataFrame, indicator_id: str, group: str) -> Comparison:
    """Where the place sits for one indicator among all English authorities with a figure."""
    indicator = catalogue.indicator(indicator_id)
    place = places.find_place(catalogue.place.code)
    rows = _english_authorities(observations[(observations["indicator_id"] == indicator_id)
                                             & (observations["measure"] == (indicator.measure or indicator.id))])
    period = _latest_period(rows, place.code)
    latest = rows[(rows["period"] == period) & rows["value"].notna()].drop_duplicates("area_code")
    members = set(group_members(place, group))
    ordered = latest.sort_values(["value", "area_name"]).reset_index(drop=True)
    table = ordered.copy()
    table["role"] = np.where(table["area_code"] == place.code, "this council",
                             np.where(table["area_code"].isin(members), "peer group", "other authority"))
    table["rank"] = np.arange(1, len(table) + 1)
    table = table[TABLE_COLUMNS]
    in_group = table[table["area_code"].isin(members)]
    median = float(in_group["value"].median()) if len(in_group) else None
    own = table[table["area_code"] == place.code]
    label = group_label(group, place)
    sentence = _sentence(catalogue.place.name, indicator, own.iloc[0] if len(own) else None, median, in_group,
                         label, period, group)
    return Comparison(indicator, group, label, period or "", table, median, len(in_group),
                      float(own.iloc[0]["value"]) if len(own) else None, sentence, ordered)


def _sentence(name: str, indicator: Indicator, own: pd.Series | None, median: float | None,
              group: pd.DataFrame, label: str, period: str | None, group_key: str) -> str:
    """'X is significantly below the median of 132 single-tier authorities; 14 are lower.'"""
    if period is None:
        return f"No authority has a figure for {indicator.title} yet."
    if own is None:
        return (f"{name} has no figure for {indicator.title} in {period}; "
                f"{len(group)} {label} do.")
    if median is None:
        return f"None of the {label} has a figure for {indicator.title} in {period}."
    value = float(own["value"])
    others = group[group["area_code"] != own["area_code"]]
    lower = int((others["value"] < value).sum())
    unit = indicator.unit
    figures = f"{format_value(value, unit)} against {format_value(median, unit)} in {period}"
    of_group = f"the median of the {len(group)} {label}" + (" with a figure" if group_key == "neighbours" else "")
    if pd.notna(own["lower_ci"]) and pd.notna(own["upper_ci"]):
        relation = {"higher": "significantly above", "lower": "significantly below",
                    "similar": "not significantly different from"}[
            stats.compare_with_interval(float(own["lower_ci"]), float(own["upper_ci"]), median)]
        head = f"{name} is {relation} {of_group} ({figures})"
    else:
        relation = "above" if value > median else "below" if value < median else "at"
        head = f"{name} is {relation} {of_group} ({figures}; no interval is published, so no significance test)"
    return f"{head}; {lower} of the other {len(others)} {'is' if lower == 1 else 'are'} lower."


ROLES = ["this council", "peer group", "other authority"]
# Role is told by shape and size as well as colour (never colour alone): diamond, circle, square.
ROLE_COLOURS = ["#b8003a", "#1f4e79", "#8c8c8c"]
ROLE_SHAPES = ["diamond", "circle", "square"]
ROLE_SIZES = [240, 55, 18]


def _y_title(unit: str) -> str:
    return "Per cent" if unit == "%" else unit


def chart(comparison: Comparison, place_name: str, *, width: int | str = "container") -> alt.LayerChart:
    """Dot plot ordered by value with 95% intervals; the council labelled, peers marked, median line."""
    # Imported here: the status engine reads this module's peer medians, and commands that assess
    # statuses (the board pack) draw no comparison chart.
    import altair as alt

    unit = comparison.indicator.unit
    frame = comparison.table.assign(shown=comparison.table["value"].map(lambda v: format_value(v, unit)))
    with alt.utils.schemapi.debug_mode(False):  # validated once by to_dict(); skip eager checks
        x = alt.X("rank:Q", title=f"{len(frame)} authorities with a figure in {comparison.period}, lowest to highest",
                  axis=alt.Axis(labels=False, ticks=False, grid=False), scale=alt.Scale(domain=[0, len(frame) + 1]))
        y = alt.Y("value:Q", title=_y_title(unit), scale=alt.Scale(zero=False))
        tooltip = [alt.Tooltip("area_name:N", title="Authority"), alt.Tooltip("shown:N", title="Value"),
                   alt.Tooltip("lower_ci:Q", title="95% CI lower", format=".2f"),
                   alt.Tooltip("upper_ci:Q", title="95% CI upper", format=".2f"), alt.Tooltip("role:N", title="Role")]
        bars = alt.Chart(frame).mark_rule(opacity=0.45).encode(
            x=x, y=alt.Y("lower_ci:Q", title=_y_title(unit), scale=alt.Scale(zero=False)), y2="upper_ci:Q",
            color=alt.condition(alt.datum.role == "this council", alt.value(ROLE_COLOURS[0]), alt.value("#7f96ad")))
        dots = alt.Chart(frame).mark_point(filled=True, opacity=0.9).encode(
            x=x, y=y, tooltip=tooltip,
            color=alt.Color("role:N", scale=alt.Scale(domain=ROLES, range=ROLE_COLOURS),
                            legend=alt.Legend(title=None, orient="top")),
            shape=alt.Shape("role:N", scale=alt.Scale(domain=ROLES, range=ROLE_SHAPES),
                            legend=alt.Legend(title=None, orient="top")),
            size=alt.Size("role:N", scale=alt.Scale(domain=ROLES, range=ROLE_SIZES), legend=None))
        layers = [bars, dots]
        own = frame[frame["role"] == "this council"]
        if not own.empty:  # drawn again on top, so neighbouring dots never hide the council
            layers.append(alt.Chart(own).mark_point(filled=True, shape="diamond", size=ROLE_SIZES[0],
                                                    color=ROLE_COLOURS[0], opacity=1).encode(x=x, y=y, tooltip=tooltip))
            layers.append(alt.Chart(own).mark_text(align="left", dx=9, dy=-14, fontWeight="bold").encode(
                x=x, y=y, text=alt.value(place_name)))
        subtitle = ""
        if comparison.median is not None:
            # The median's label sits above the plot: inside it, it would cross the dots.
            med = pd.DataFrame({"median": [comparison.median]})
            layers.append(alt.Chart(med).mark_rule(strokeDash=[6, 4], color="#333333").encode(y="median:Q"))
            subtitle = (f"Dashed line: median of the {comparison.group_size} {comparison.group_label}, "
                        f"{format_value(comparison.median, unit)}")
        return alt.layer(*layers).properties(width=width, height=380, title=alt.Title(
            text=subtitle, anchor="start", fontSize=13, fontWeight="normal", color="#333333"))


def download_table(comparison: Comparison, catalogue: Catalogue) -> pd.DataFrame:
    """The rows behind the chart as the project's citation-carrying download (disclosure control
    applied by `trends.downloads`, as for every other download), with rank and role in front."""
    from cohesion.trends.downloads import download_frame

    cited = download_frame(comparison.rows, comparison.indicator, catalogue, primary_code="")
    roles = comparison.table.set_index("area_code")[["rank", "role"]]
    cited = cited.join(roles, on="area_code").sort_values("rank", kind="stable")
    cited.insert(0, "peer_group", comparison.group_label)
    return cited[["rank", "role", "peer_group", *[c for c in cited.columns if c not in ("rank", "role", "peer_group")]]]


def screen_table(download: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The on-screen table: rank, authority, value and interval, role."""
    view = download[["rank", "area_name", "value", "lower_ci", "upper_ci", "role", "period"]]
    return view.rename(columns={"rank": "Rank (lowest first)", "area_name": "Authority", "value": f"Value ({unit})",
                                "lower_ci": "95% CI lower", "upper_ci": "95% CI upper", "role": "", "period": "Period"})


IMD_FILE = "imd2025_lad.csv"


def deprivation_context(place_code: str, place_name: str) -> str | None:
    """One sentence from the IMD 2025 local authority summaries (shipped), or None without them."""
    from cohesion import config
    from cohesion.loaders.errors import DataFileError
    from cohesion.loaders.national import load_national_table

    try:
        imd = load_national_table(config.national_dir() / IMD_FILE)
    except DataFileError:
        return None
    mine = imd[imd["area_code"] == place_code].set_index("measure")["value"]
    needed = ("imd2025_average_score", "imd2025_rank_of_average_score", "imd2025_share_lsoas_most_deprived_10pct")
    if not all(m in mine and pd.notna(mine[m]) for m in needed):
        return None
    total = imd.loc[imd["measure"] == "imd2025_rank_of_average_score", "area_code"].nunique()
    return (f"Deprivation context: {place_name}'s average IMD 2025 score is {mine[needed[0]]:.1f}, ranked "
            f"{mine[needed[1]]:.0f} of {total} local authorities (1 = most deprived); {mine[needed[2]]:.1f}% of its "
            "neighbourhoods are in the most deprived 10% in England (MHCLG, English Indices of Deprivation 2025, "
            "File 10).")


def peer_median_rows(catalogue: Catalogue, rows: pd.DataFrame, comparator: Comparator) -> pd.DataFrame:
    """Per-period median of a peer group (comparator code `peers:<group>`) as comparator rows."""
    group = comparator.code.removeprefix(PEER_PREFIX)
    try:
        members = group_members(places.find_place(catalogue.place.code), group)
    except (places.PlaceNotFound, KeyError, FileNotFoundError):
        return rows.iloc[0:0]
    mine = _english_authorities(rows)
    mine = mine[mine["area_code"].isin(members) & mine["value"].notna()]
    if mine.empty:
        return rows.iloc[0:0]
    out = mine.groupby(["period"], as_index=False).agg(value=("value", "median"), period_end=("period_end", "max"),
                                                       unit=("unit", "first"), n=("area_code", "nunique"))
    template = mine.iloc[[0] * len(out)].reset_index(drop=True)
    for col in ("period", "value", "period_end", "unit"):
        template[col] = out[col].to_numpy()
    template["area_code"], template["area_name"], template["area_type"] = comparator.code, comparator.name, \
        "comparator_median"
    template["lower_ci"] = template["upper_ci"] = np.nan
    template["status_note"] = ""
    return template.sort_values("period_end").reset_index(drop=True)


def peer_codes_for(catalogue: Catalogue) -> set[str]:
    """Every authority a `peers:` comparator of the place needs (for narrowing the store)."""
    groups = [c.code.removeprefix(PEER_PREFIX) for c in catalogue.place.comparators if c.code.startswith(PEER_PREFIX)]
    if not groups:
        return set()
    try:
        place = places.find_place(catalogue.place.code)
    except (places.PlaceNotFound, FileNotFoundError):
        return set()
    return {code for group in groups if group in places.PEER_GROUPS for code in group_members(place, group)}
