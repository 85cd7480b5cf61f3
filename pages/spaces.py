"""Community spaces: where social infrastructure is, and where need is high but provision thin.

Thin page: widgets, cached calls into cohesion.spaces / cohesion.geo, drawing. Works with no
geography at all (postcode-district summary), with postcodes only (points), and with boundaries
and deprivation (choropleth, ranking, what-if).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from cohesion import config, ui
from cohesion.geo import aggregate, boundaries, need
from cohesion.geo.postcodes import normalise_postcode
from cohesion.spaces import collect as spaces_collect
from cohesion.spaces import maps
from cohesion.spaces.indicator import participation_by_district, participation_citation
from cohesion.spaces.register import CATEGORIES, placement_summary, problem_rows

ui.through_entry_point()

catalogue = ui.require_catalogue()
place = catalogue.place
st.title("Community spaces")
st.caption(f"Strategy priority 10: map where social infrastructure in {place.name} is strongest and weakest, "
           "to see where support is needed most.")


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _register_path() -> Path:
    # The register is whatever the catalogue's spaces source points at (no path written here).
    source = next((s for s in catalogue.sources if s.loader == "community_spaces_indicator" and s.path), None)
    try:
        return config.resolve_data_path(source.path) if source else config.data_dir() / "community_spaces/register.csv"
    except (config.UnsafePathError, FileNotFoundError):
        return config.data_dir() / "community_spaces/register.csv"


@st.cache_resource(max_entries=2, show_spinner=False)
def _geo(folder: str, key: tuple) -> boundaries.GeoData:
    return boundaries.load_geo(Path(folder))


@st.cache_resource(max_entries=2, show_spinner=False)
def _collected(register: str, reg_mtime: float, folder: str, geo_key: tuple) -> spaces_collect.Collected:
    geo = _geo(folder, geo_key)
    area = spaces_collect.area_for(geo, place.code, place.name)
    return spaces_collect.collect(Path(register), geo, area)


@st.cache_resource(max_entries=8, show_spinner=False)
def _prepared(register: str, reg_mtime: float, folder: str, geo_key: tuple, remove: tuple[str, ...],
              add: tuple[tuple[str, str], ...]) -> tuple[spaces_collect.Prepared, pd.DataFrame, list[str]]:
    geo = _geo(folder, geo_key)
    spaces = _collected(register, reg_mtime, folder, geo_key).spaces
    messages: list[str] = []
    if remove or add:
        spaces, messages = need.what_if(spaces, remove, add, geo.postcodes, place.code)
    return spaces_collect.prepare(geo, spaces), spaces, messages


@st.cache_resource(max_entries=4, show_spinner=False)
def _simplified(folder: str, geo_key: tuple, level: str) -> object:
    table = _geo(folder, geo_key).wards if level == "wards" else _geo(folder, geo_key).neighbourhood_polygons
    return maps.simplify(table.geometry.values)


@st.cache_resource(max_entries=16, show_spinner=False)
def _deck(folder: str, geo_key: tuple, prep_key: tuple, level: str | None, measure: str | None,
          categories: tuple[str, ...], lost: bool, basemap: str | None) -> tuple[object, float, float]:
    prepared, spaces, _ = _prepared(*prep_key)
    points = maps.point_records(spaces, list(categories), include_lost=lost)
    geojson, vmin, vmax = None, 0.0, 1.0
    table = None
    if level and measure:
        table = prepared.tables.wards if level == "wards" else prepared.tables.lsoa
    if table is not None:
        geojson, vmin, vmax = maps.choropleth_geojson(table, measure, "ward" if level == "wards" else "neighbourhood",
                                                      _simplified(folder, geo_key, level))
    if table is not None:  # fit the whole area, not just where the spaces are
        west, south, east, north = table.total_bounds
        extent = pd.Series([south, north]), pd.Series([west, east])
    else:
        located = spaces[spaces["status"] == "located"]
        extent = located["lat"], located["lon"]
    return maps.build_deck(points, geojson, maps.view_for(*extent), basemap), vmin, vmax


@st.cache_resource(max_entries=8, show_spinner=False)
def _districts(prep_key: tuple, published: str, published_mtime: float) -> tuple[dict[str, float], str, pd.DataFrame]:
    participation = participation_by_district(Path(published))
    citation = participation_citation(Path(published))
    return participation, citation, aggregate.district_summary(_prepared(*prep_key)[1], participation)


def _swatches(table: pd.DataFrame) -> object:
    # The colour column shows the colour itself (no hex text); the words are in the other columns.
    return (table.style.apply(lambda _col: [f"background-color: {c}" for c in table["colour"]], subset=["colour"])
            .format(lambda _v: "", subset=["colour"]))


folder = str(config.geo_dir())
geo_key = boundaries.cache_key(Path(folder))
geo = _geo(folder, geo_key)
register_path = _register_path()
reg_mtime = _mtime(register_path)
collected = _collected(str(register_path), reg_mtime, folder, geo_key)

if geo.missing:
    st.warning(
        "Some geography is not loaded, so parts of this page are limited. Missing: " + "; ".join(geo.missing)
        + ". An administrator can add it with `python -m cohesion geo fetch` (online) or "
        "`python -m cohesion geo import --from FOLDER`.", icon=":material/map:")
for problem in collected.problems:
    st.error(problem)

# --- what-if controls live in the sidebar so the map and ranking update together -------------
located_open = collected.spaces[(collected.spaces["status"] == "located") & collected.spaces["is_open"]
                                & ~collected.spaces["sensitive"]]
with st.sidebar:
    st.subheader("What if…")
    st.caption("Close a space or open a new one and see the map and ranking change. Nothing is saved.")
    labels = dict(zip(located_open["id"], located_open["name"] + " (" + located_open["postcode"] + ")", strict=True))
    remove = tuple(sorted(st.multiselect("Close these spaces", list(labels), format_func=labels.get)))
    add_name = st.text_input("Open a new space: name", value="")
    add_postcode = st.text_input("…at postcode", value="", placeholder=need.example_postcode(geo))
    add = ((add_name.strip() or "New space (what-if)", add_postcode.strip()),) if add_postcode.strip() else ()

prep_key = (str(register_path), reg_mtime, folder, geo_key, remove, add)
prepared, spaces, whatif_messages = _prepared(*prep_key)
baseline, _, _ = _prepared(str(register_path), reg_mtime, folder, geo_key, (), ())
for message in whatif_messages:
    st.info(f"What-if: {message}. The figures below are not real.", icon=":material/science:")

# --- headline counts: nothing disappears unexplained ------------------------------------------
register_rows = spaces[spaces["layer"] == "register"]
on_map = spaces[(spaces["status"] == "located") & spaces["is_open"] & ~spaces["sensitive"]]
not_placed = spaces[spaces["status"].isin(["not placed", "location needed", "district only"])]
cols = st.columns(4)
cols[0].metric("Open spaces on the map", f"{len(on_map):,}", border=True,
               help="Located, open, inside the area and not sensitive.")
cols[1].metric("Sensitive venues (district only)", f"{int((spaces['sensitive'] & spaces['is_open']).sum()):,}",
               border=True, help="Never shown at their point; counted in the postcode-district table only.")
cols[2].metric("Could not be placed", f"{len(not_placed):,}", border=True,
               help="No location yet, a postcode that is wrong or not in the lookup, or no lookup loaded.")
cols[3].metric("Register: location needed", f"{int((register_rows['status'] == 'location needed').sum()):,}",
               border=True, help="Venues named in the strategy whose postcode is not yet confirmed.")
if len(not_placed):
    reasons = not_placed.groupby(["layer", "status"]).size().rename("spaces").reset_index()
    st.caption("Not placed: " + "; ".join(f"{r.spaces} {r.layer} ({r.status})" for r in reasons.itertuples()))

# --- map ---------------------------------------------------------------------------------------
st.subheader("Map")
levels = {}
if prepared.tables.wards is not None:
    levels["wards"] = "Current wards"
if prepared.tables.lsoa is not None:
    levels["lsoa"] = need.neighbourhood_label(geo)
c1, c2, c3 = st.columns([1, 2, 2])
level = c1.radio("Areas", list(levels), format_func=levels.get, horizontal=False) if levels else None
measure = None
if level:
    options = ["spaces_per_1k", "nearest_space_m", "imd_decile" if level == "lsoa" else "deprived_share_pct"]
    if geo.cni is not None:
        options.append("civic_assets_score")
    measure = c2.selectbox("Shade areas by", options, format_func=lambda m: maps.MEASURES[m]["label"])
categories = tuple(c3.multiselect("Categories shown", CATEGORIES, default=CATEGORIES))
lost = st.checkbox("Show closed libraries as lost spaces (grey)", value=False)
basemap_key, basemap_url, basemap_note = maps.basemap_choice()
if basemap_note:
    st.caption(basemap_note)
deck, vmin, vmax = _deck(folder, geo_key, prep_key, level, measure, categories, lost, basemap_url)
if len(on_map) or level:
    st.pydeck_chart(deck, height=620)
else:
    st.info("No spaces can be placed on a map yet: the postcode lookup is not loaded and no row has coordinates. "
            "The postcode-district table below still works.")

legend = pd.DataFrame({"category": list(maps.CATEGORY_COLOURS), "colour": list(maps.CATEGORY_COLOURS.values()),
                       "on map": [int((on_map["category"] == c).sum()) for c in maps.CATEGORY_COLOURS]})
legend_cols = st.columns(2)
legend_cols[0].caption("Points: colour by category (colour-blind-safe palette)")
legend_cols[0].dataframe(_swatches(legend), hide_index=True, width="stretch", height=460)  # all 12 rows
if level and measure:
    bins = pd.DataFrame(maps.legend_bins(measure, vmin, vmax), columns=["colour", "range"])
    legend_cols[1].caption(f"Areas: {maps.MEASURES[measure]['label']}, viridis scale (dark = low, yellow = high: "
                           f"{maps.MEASURES[measure]['higher']}); light grey = missing")
    legend_cols[1].dataframe(_swatches(bins), hide_index=True, width="stretch")
    legend_cols[1].caption(f"Population: {aggregate.POPULATION_NOTE}. Polygons simplified "
                           f"({maps.SIMPLIFY_TOLERANCE_DEG}° ≈ 10 m) for display.")

# --- where provision is thin --------------------------------------------------------------------
st.subheader("Where provision is thin")
ranked = None
if level == "wards":
    ranked, base = prepared.ward_ranked, baseline.ward_ranked
else:
    ranked, base = prepared.lsoa_ranked, baseline.lsoa_ranked
if ranked is None:
    st.info("The ranking needs LSOA boundaries and IMD 2019 in the geo folder (see the note at the top).")
else:
    st.markdown(need.rule_text("ward" if level == "wards" else "lsoa", geo))
    st.caption(need.edition_text(geo))
    thin = ranked[ranked["thin"]]
    st.write(f"**{len(thin)}** of {len(ranked)} {'wards' if level == 'wards' else 'neighbourhoods'} are thin by this rule.")
    show = ["rank", "name", "population", "imd_decile" if level != "wards" else "deprived_share_pct",
            "civic_assets_score", "spaces_count", "spaces_per_1k", "nearest_space_m", "provision_score", "thin"]
    st.dataframe(ranked[show].head(25).rename(columns={"population": "residents (mid-2015)"}), hide_index=True,
                 width="stretch", column_config={
                     "spaces_count": "spaces", "imd_decile": "IMD decile",
                     "spaces_per_1k": st.column_config.NumberColumn("spaces per 1,000", format="%.2f"),
                     "nearest_space_m": st.column_config.NumberColumn("nearest space (m)", format="%d"),
                     "provision_score": st.column_config.NumberColumn("provision score", format="%.2f"),
                     "deprived_share_pct": st.column_config.NumberColumn("residents in IMD 1-2 (%)", format="%.0f"),
                     "civic_assets_score": st.column_config.NumberColumn("CNI civic-assets need", format="%.2f")})
    if remove or add:
        changes = need.ranking_changes(base, ranked)
        st.write("What-if: now thin: " + (", ".join(changes["now_thin"]) or "none")
                 + ". No longer thin: " + (", ".join(changes["no_longer_thin"]) or "none") + ".")
        st.caption("Provision is ranked within the city, so a change in one place can move other areas across "
                   "the lowest-third line too.")

# --- postcode search ----------------------------------------------------------------------------
st.subheader("Spaces near a postcode")
s1, s2 = st.columns([2, 1])
query = s1.text_input("Postcode", value="", placeholder=need.example_postcode(geo))
radius = s2.selectbox("Within", [500, 1000, 2000, 5000], index=1, format_func=lambda m: f"{m:,} m")
if query.strip():
    postcode = normalise_postcode(query)
    found = geo.postcodes.locate(pd.Series([postcode])) if postcode and geo.postcodes is not None else None
    if postcode is None:
        st.error(f"'{query}' is not a valid postcode (expected {need.example_postcode(geo).removeprefix('e.g. ')}).")
    elif found is None:
        st.info("Postcode search needs the postcode lookup in the geo folder.")
    elif not bool(found["found"].iloc[0]):
        st.error(f"{postcode} is not in the postcode lookup.")
    else:
        near = aggregate.spaces_near(float(found["lat"].iloc[0]), float(found["lon"].iloc[0]), postcode.split()[0],
                                     spaces, radius)
        st.write(f"{int(near['distance_m'].notna().sum())} open space(s) within {radius:,} m of {postcode}, nearest "
                 "first. Sensitive venues are listed by district only, never with a distance.")
        st.dataframe(near.drop(columns=["distance_m"]), hide_index=True, width="stretch")

# --- postcode districts (works with no boundaries) ----------------------------------------------
st.subheader("By postcode district")
participation, citation, districts = _districts(prep_key, str(config.data_dir() / "published_figures.csv"),
                                      _mtime(config.data_dir() / "published_figures.csv"))
districts = districts.copy()  # the cached frame stays untouched
districts["listening_participation_pct"] = [  # a missing share says so, never blank or zero
    "not published" if pd.isna(v) else f"{v:.1f}%" for v in districts["listening_participation_pct"]]
st.dataframe(districts, hide_index=True, width="stretch", column_config={
    "spaces_open": "open spaces", "sensitive_open": "sensitive (count only)", "lost_spaces": "closed libraries",
    "listening_participation_pct": "listening-exercise participants"})
no_district = int((spaces["district"] == "").sum())
st.caption(f"Counts are of the spaces loaded ({', '.join(layer.title for layer in collected.layers) or 'none'}); "
           f"{no_district} more have no postcode yet, so no district. "
           + (f"Listening-exercise participation: {citation}." if participation
              else "Listening-exercise participation by district: not loaded."))

with st.expander("Data problems and sources"):
    st.dataframe(placement_summary(spaces), hide_index=True, width="stretch")
    for layer in collected.layers:
        for note in layer.notes:
            st.caption(f"{layer.title}: {note}")
    problems = problem_rows(spaces)
    if len(problems):
        st.write(f"{len(problems)} row(s) with problems (fix them in the file and row named):")
        st.dataframe(problems, hide_index=True, width="stretch")
    for note in prepared.tables.notes:
        st.caption(note)
    for credit in dict.fromkeys(geo.attributions + collected.attributions):
        st.caption(credit)
