"""Community spaces: an officer's map of social infrastructure, and where need is high but provision thin.

Thin page: widgets, cached calls into cohesion.spaces / cohesion.geo, drawing. Works with no
geography at all (postcode-district summary), with postcodes only (points), and with boundaries
and deprivation (choropleth, ranking, what-if). The search box takes a postcode or a ward name;
the URL keeps the search, layers and area choices (cohesion.spaces.url_state).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import streamlit as st

from cohesion import accessibility as a11y
from cohesion import config, ui
from cohesion.geo import aggregate, boundaries, need
from cohesion.spaces import cached, maps, search, url_state
from cohesion.spaces.layer import layer_name
from cohesion.spaces.layer_registry import DEFAULT_COUNTED

ui.through_entry_point()

catalogue = ui.require_catalogue()
place = catalogue.place
place_key = (place.code, place.name)
st.title("Community spaces")
st.caption(f"Strategy priority 10: where social infrastructure in {place.name} is strongest and weakest. "
           "Search a postcode or a ward; the link keeps what you chose.")

MAP_HEIGHT = cached.MAP_HEIGHT
AREA_LABELS = {"wards": "Current wards", "none": "No shading"}  # "lsoa" is named after the edition in use
CNI_NOTE = ("Community Needs Index (OCSI, 2023) civic-assets score: higher means more need (fewer community, "
            "civic and cultural assets). 0 is about the middle of England's neighbourhoods, so a negative score "
            "is not an error: it means less need than most of England.")


def _mtime(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def _register_path() -> Path:
    # The register is whatever the catalogue's spaces source points at (no path written here).
    source = next((s for s in catalogue.sources if s.loader == "community_spaces_indicator" and s.path), None)
    try:
        return config.resolve_data_path(source.path) if source else config.data_dir() / "community_spaces/register.csv"
    except (config.UnsafePathError, FileNotFoundError):
        return config.data_dir() / "community_spaces/register.csv"


def _swatches(table: pd.DataFrame) -> object:
    # The colour column shows the colour itself (no hex text); the words are in the other columns.
    # A grey border so a light swatch (white for schools) still shows on the white table.
    return (table.style.apply(lambda _col: [f"background-color: {c}; border: 1px solid #8c8c8c" for c in table["colour"]],
                              subset=["colour"])
            .format(lambda _v: "", subset=["colour"]))


def _plain(text: str) -> str:
    """Text from data or the user, shown literally: Markdown punctuation backslash-escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~<>:$])", r"\\\1", text)


folder = str(config.geo_dir())
# One short token for the geography files' identities: every cached call below is keyed on it, and
# Streamlit hashes a cache's arguments on each call (the full tuple cost milliseconds per visit).
geo_key = (ui.short_key(boundaries.cache_key(Path(folder))),)
geo = cached.geo(folder, geo_key)
register_path = _register_path()
reg_mtime = _mtime(register_path)
collected = cached.collected(place_key, str(register_path), reg_mtime, folder, geo_key)

if geo.missing:
    st.warning(
        "Some geography is not loaded, so parts of this page are limited. Missing: " + "; ".join(geo.missing)
        + ". An administrator can add it with `python -m cohesion geo fetch` (online) or "
        "`python -m cohesion geo import --from FOLDER`.", icon=":material/map:")
for problem in collected.problems:
    st.error(problem)

# --- choices: from the URL on a session's first visit, then from the widgets --------------------
present = [layer.key for layer in collected.layers]
levels = [k for k, table in (("wards", geo.wards), ("lsoa", geo.neighbourhood_polygons)) if table is not None]
AREA_LABELS["lsoa"] = need.neighbourhood_label(geo)
measures = list(maps.MEASURES)
if "spaces_url_read" not in st.session_state:
    st.session_state["spaces_url_read"] = True
    wanted = url_state.decode(st.query_params.to_dict(), present, levels, measures)
    st.session_state["spaces_q"] = wanted.query
    st.session_state["spaces_within"] = wanted.radius
    if wanted.layers is not None:
        st.session_state["spaces_layers"] = list(wanted.layers)
    if wanted.counted is not None:
        st.session_state["spaces_count"] = list(wanted.counted)
    if wanted.areas is not None:
        st.session_state["spaces_areas"] = wanted.areas
    if wanted.shade is not None:
        st.session_state["spaces_shade"] = wanted.shade


def _default(key: str, value: object) -> object:
    # A widget gets a default only when the URL (session state) has not set it: never both.
    return None if key in st.session_state else value


with st.sidebar:
    st.header("What if…")
    st.caption("Close a space or open a new one and see the map and ranking change. Nothing is saved.")
    labels = cached.closable(place_key, str(register_path), reg_mtime, folder, geo_key)
    remove = tuple(sorted(st.multiselect("Close these spaces", list(labels), format_func=labels.get)))
    add_name = st.text_input("Open a new space: name", value="")
    add_postcode = st.text_input("…at postcode", value="", placeholder=need.example_postcode(geo))
    add = ((add_name.strip() or "New space (what-if)", add_postcode.strip()),) if add_postcode.strip() else ()

row = st.columns([2.6, 1.4, 2.1, 3], vertical_alignment="bottom")
example_ward = f" or {geo.wards['name'].iloc[0]}" if geo.wards is not None and len(geo.wards) else ""
query = row[0].text_input("Find a postcode or ward", key="spaces_q", placeholder=need.example_postcode(geo) + example_ward,
                          max_chars=url_state.MAX_QUERY).strip()
radius = row[1].selectbox("Spaces within", url_state.RADII, key="spaces_within", format_func=lambda m: f"{m:,} m",
                          index=0 if "spaces_within" in st.session_state
                          else url_state.RADII.index(url_state.DEFAULT_RADIUS))
level = row[2].selectbox("Shade areas", levels + ["none"], key="spaces_areas", format_func=AREA_LABELS.get)
level = None if level in (None, "none") else level
measure = None
if level:
    options = ["spaces_per_1k", "nearest_space_m", "imd_decile" if level == "lsoa" else "deprived_share_pct"]
    if geo.cni is not None:
        options.append("civic_assets_score")
    if st.session_state.get("spaces_shade") not in options:
        st.session_state.pop("spaces_shade", None)
    measure = row[3].selectbox("Shade by", options, key="spaces_shade", format_func=lambda m: maps.MEASURES[m]["label"])
# The layer switches sit under the map (with the legend) but are read here: the map needs them.
shown = tuple(k for k in st.session_state.get("spaces_layers", present) if k in present)
default_counted = [k for k in present if k in DEFAULT_COUNTED]

counted = tuple(k for k in st.session_state.get("spaces_count", default_counted) if k in present)
prep_key = (place_key, str(register_path), reg_mtime, folder, geo_key, remove, add, counted)
prepared, spaces, whatif_messages = cached.prepared(*prep_key)
baseline, _, _ = cached.prepared(place_key, str(register_path), reg_mtime, folder, geo_key, (), (), counted)
for message in whatif_messages:
    st.info(f"What-if: {_plain(message)}. The figures below are not real.", icon=":material/science:")

found = search.find(query, geo, place.code, place.name, cached.authorities(folder, geo_key)) if query else None
if found is not None:
    if found.kind == "none":
        st.error(_plain(found.message), icon=":material/search_off:")
    elif not found.inside:
        st.warning(_plain(found.message), icon=":material/wrong_location:")
    else:
        st.success(_plain(found.message), icon=":material/location_on:")

# --- the map --------------------------------------------------------------------------------------
tallies = cached.tallies(prep_key[:7])  # the spaces' key: everything but the counted layers
on_map = tallies.on_map(shown)  # category -> spaces drawn
on_map_total = sum(on_map.values())
lost = st.session_state.get("spaces_lost", False)
basemap_key, basemap_url, basemap_note = maps.basemap_choice()
deck, vmin, vmax, zoom = cached.deck(folder, geo_key, prep_key, level, measure, shown, lost, basemap_url,
                               query if found is not None and found.kind != "none" else "")
if on_map_total or level or (found is not None and found.kind != "none"):
    st.pydeck_chart(deck, height=MAP_HEIGHT, width="stretch", alt=a11y.map_text(
        place.name, on_map,
        f"{AREA_LABELS.get(level, str(level)).lower()} shaded by {maps.MEASURES[measure]['label'].lower()}" if level and measure else None,
        found.message if found is not None and found.kind != "none" else None))
else:
    st.info("No spaces can be placed on a map yet: the postcode lookup is not loaded and no row has coordinates. "
            "The postcode-district table below still works.")
if basemap_note:
    st.caption(basemap_note)

st.pills("Layers on the map (each on or off)", present, key="spaces_layers", selection_mode="multi",
         format_func=layer_name, default=_default("spaces_layers", present))
legend_cols = st.columns([1, 1, 1])
legend_rows = tuple((c, on_map[c]) for c in maps.CATEGORY_COLOURS if on_map.get(c))
with legend_cols[0]:
    if legend_rows:
        st.dataframe(_swatches(cached.legend(legend_rows)), hide_index=True, width="stretch",
                     column_config={"colour": st.column_config.Column("colour", width="small")})
    st.checkbox("Show closed libraries as lost spaces (grey)", key="spaces_lost")
    if found is not None and found.kind == "postcode":
        st.caption("Magenta ring: the searched postcode (its centroid).")
    if found is not None and found.kind == "wards":
        st.caption("Magenta outline: the ward(s) found.")
if level and measure:
    bins = pd.DataFrame(maps.legend_bins(measure, vmin, vmax), columns=["colour", "range"])
    with legend_cols[1]:
        st.caption(f"Areas: {maps.MEASURES[measure]['label']}. Dark = low, yellow = high "
                   f"({maps.MEASURES[measure]['higher']}); light grey = missing.")
        st.dataframe(_swatches(bins), hide_index=True, width="stretch",
                     column_config={"colour": st.column_config.Column("colour", width="small")})
    with legend_cols[2]:
        if measure in ("spaces_per_1k", "nearest_space_m"):
            st.caption("Counts only the layers counted as provision (see “Where provision is thin”): "
                       + (", ".join(layer_name(k) for k in counted) or "none") + ".")
        if measure == "civic_assets_score":
            st.caption(CNI_NOTE)
        st.caption(f"Population: {aggregate.POPULATION_NOTE}. Polygons simplified to about "
                   f"{zoom.tolerance_m:.0f} m for display at this zoom ({zoom.name} view).")

# --- headline counts: nothing disappears unexplained ------------------------------------------
cols = st.columns(4)
cols[0].metric("Open spaces on the map", f"{on_map_total:,}", border=True,
               help="Located, open, inside the area, not sensitive, and in a layer that is switched on.")
cols[1].metric("Sensitive venues (district only)", f"{tallies.sensitive_open:,}",
               border=True, help="Never shown at their point; counted in the postcode-district table only.")
cols[2].metric("Could not be placed", f"{tallies.not_placed:,}", border=True,
               help="No location yet, a postcode that is wrong or not in the lookup, or no lookup loaded.")
cols[3].metric("Register: location needed", f"{tallies.location_needed:,}",
               border=True, help="Venues named in the strategy whose postcode is not yet confirmed.")
if tallies.not_placed:
    st.caption(f"Not placed: {cached.not_placed_line(prep_key[:7])}. Each is named under “Data problems and "
               "sources” below.")

# --- spaces near the searched postcode ----------------------------------------------------------
if found is not None and found.kind == "postcode":
    within, near = cached.near(prep_key[:7], shown, found.lat, found.lon, found.postcode, radius)
    st.header(f"Spaces within {radius:,} m of {found.postcode}")
    st.write(f"{within} open space(s) in the layers shown, nearest first. "
             "Sensitive venues are listed by district only, never with a distance.")
    st.dataframe(near, hide_index=True, width="stretch", column_config={"where": "distance"})

# --- where provision is thin --------------------------------------------------------------------
st.header("Where provision is thin")
ranked = None
if level == "wards" or (level is None and prepared.ward_ranked is not None):
    ranked, base, unit = prepared.ward_ranked, baseline.ward_ranked, "wards"
else:
    ranked, base, unit = prepared.lsoa_ranked, baseline.lsoa_ranked, "lsoa"
st.pills("Counted as provision", present, key="spaces_count", selection_mode="multi", format_func=layer_name,
         default=_default("spaces_count", default_counted),
         help="Which layers the ranking (and the spaces-per-1,000 and distance shading) counts. By default only "
              "places anyone can walk into and meet: the council register, libraries and OpenStreetMap venues. "
              "GP practices, pharmacies and schools are services shown for context; tick them to count them.")
st.caption("Counting: " + ("; ".join(f"{layer_name(k)} ({on_layer} open)" for k, on_layer in (
    (k, tallies.open_in_layer(k)) for k in counted)) or "no layer: every area has no provision") + ".")
if ranked is None:
    st.info("The ranking needs LSOA boundaries and a deprivation index (IMD 2025 or IMD 2019) in the geo folder "
            "(see the note at the top).")
else:
    st.markdown(need.rule_text("ward" if unit == "wards" else "lsoa", geo))
    st.caption(need.edition_text(geo))
    thin = ranked[ranked["thin"]]
    st.write(f"**{len(thin)}** of {len(ranked)} {'wards' if unit == 'wards' else 'neighbourhoods'} are thin by "
             "this rule.")
    show = ["rank", "name", "population", "imd_decile" if unit != "wards" else "deprived_share_pct",
            "civic_assets_score", "spaces_count", "spaces_per_1k", "nearest_space_m", "provision_score", "thin"]
    table = ranked[show].head(25).assign(thin=ranked["thin"].head(25).map({True: "thin", False: ""}))
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "rank": st.column_config.NumberColumn("rank", width="small"),
        "name": st.column_config.TextColumn("ward" if unit == "wards" else "neighbourhood", width="medium"),
        "population": st.column_config.NumberColumn("residents", format="%d", help=aggregate.POPULATION_NOTE),
        "spaces_count": st.column_config.NumberColumn("spaces", help="Open spaces in the counted layers"),
        "imd_decile": st.column_config.NumberColumn("IMD decile", help="1 = most deprived 10% in England"),
        "spaces_per_1k": st.column_config.NumberColumn("per 1,000", format="%.2f", help="Spaces per 1,000 residents"),
        "nearest_space_m": st.column_config.NumberColumn("nearest (m)", format="%d",
                                                         help="Distance to the nearest counted open space"),
        "provision_score": st.column_config.NumberColumn("provision", format="%.2f",
                                                         help="0 = least provision in the city, 1 = most"),
        "deprived_share_pct": st.column_config.NumberColumn("in IMD 1-2 (%)", format="%.0f",
                                                            help="Residents in IMD deciles 1-2 (%)"),
        "civic_assets_score": st.column_config.NumberColumn("CNI civic need", format="%.2f", help=CNI_NOTE),
        "thin": st.column_config.TextColumn("thin", width="small")})
    if geo.cni is not None:
        st.caption(CNI_NOTE)
    if remove or add:
        changes = need.ranking_changes(base, ranked)
        st.write("What-if: now thin: " + _plain(", ".join(changes["now_thin"]) or "none")
                 + ". No longer thin: " + _plain(", ".join(changes["no_longer_thin"]) or "none") + ".")
        st.caption("Provision is ranked within the city, so a change in one place can move other areas across "
                   "the lowest-third line too.")

# --- postcode districts (works with no boundaries) ----------------------------------------------
st.header("By postcode district")
participation, citation, districts = cached.district_view(prep_key, str(config.data_dir() / "published_figures.csv"),
                                                    _mtime(config.data_dir() / "published_figures.csv"))
st.dataframe(districts, hide_index=True, width="stretch", column_config={
    "spaces_open": "open spaces", "sensitive_open": "sensitive (count only)", "lost_spaces": "closed libraries",
    "categories": st.column_config.TextColumn("categories", width="large"),
    "listening_participation_pct": "listening-exercise participants"})
no_district = tallies.no_district
st.caption(f"Counts are of every layer loaded ({', '.join(layer.title for layer in collected.layers) or 'none'}); "
           f"{no_district} more have no postcode yet, so no district. "
           + (f"Listening-exercise participation: {citation}." if participation
              else "Listening-exercise participation by district: not loaded."))

with st.expander("Data problems and sources"):
    placed, problems, unplaced = cached.problem_views(prep_key[:7])
    st.dataframe(placed, hide_index=True, width="stretch")
    for layer in collected.layers:
        for note in layer.notes:
            st.caption(f"{layer.title}: {note}")
    if len(problems):
        st.write(f"{len(problems)} row(s) with problems (fix them in the file and row named):")
        st.dataframe(problems, hide_index=True, width="stretch",
                     column_config={"problem": st.column_config.TextColumn("problem", width="large")})
    if len(unplaced):
        st.write(f"{len(unplaced)} row(s) without a location yet:")
        st.dataframe(unplaced, hide_index=True, width="stretch")
    for note in prepared.tables.notes:
        st.caption(note)
    for credit in dict.fromkeys(geo.attributions + collected.attributions):
        st.caption(credit)

# --- the link reproduces this view ---------------------------------------------------------------
st.query_params.from_dict(url_state.encode(url_state.ViewChoices(
    query=query, radius=radius, layers=shown, counted=counted, areas=level or "none", shade=measure)))
