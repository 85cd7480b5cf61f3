"""Data & sources: every source with its publisher, vintage, next release, licence and load status."""

import streamlit as st

from cohesion import config, memo, ui
from cohesion.loaders.errors import DataFileError
from cohesion.loaders.published import citations
from cohesion.present import plain
from cohesion.sources_view import download_csv, indicator_table, load_problems, not_loaded, sources_table

ui.through_entry_point()

CITATIONS_SHOWN = 2_000  # more rows than anyone reads on screen; the file itself has them all
SOURCE_ROW_PX = 72  # three lines of text
SOURCE_HEADER_PX = 38
SOURCE_ROWS_SHOWN = 8  # then the table scrolls


# Per store version and file (not per rerun): at national scale these take a second or more.
@st.cache_resource(max_entries=4, show_spinner=False)
def _sources_table(version: str | None, catalogue_key: tuple, _catalogue, _manifest, _observations):
    return ui.ready_table(sources_table(_catalogue, _manifest, _observations))


@st.cache_resource(max_entries=2, show_spinner=False)
def _citations(key: tuple) -> tuple[int, object]:
    """(rows in the file, the first CITATIONS_SHOWN of them ready to draw)."""
    typed_in = citations(config.resolve_data_path("data:published_figures.csv"))
    return len(typed_in), ui.ready_table(typed_in.head(CITATIONS_SHOWN))

st.title("Data & sources")
st.caption("Where every figure comes from, how fresh it is, and what the last refresh could not load.")

catalogue, problems = ui.catalogue_and_problems()
if catalogue is None:
    ui.show_catalogue_problems(problems)
    catalogue = ui.last_good_catalogue()  # still in use until the file is fixed
    if catalogue is None:
        st.stop()

observations = ui.observations()  # publishable: small counts hidden, so the download below is safe
manifest = ui.manifest()

if manifest is None:
    st.warning("The data store has not been built yet. Run `python -m cohesion refresh`.")
else:
    st.markdown(f"**Data store version** `{manifest.version}`, refreshed {manifest.created} (UTC). "
                f"**{len(observations):,} figures** for "
                f"{memo.once(observations, 'indicators', lambda: observations['indicator_id'].nunique())} of "
                f"{len(catalogue.indicators)} indicators.")

for source_id, status_word, source_problems in load_problems(manifest):
    source = catalogue.source(source_id)
    st.error(f"**{plain(source.title if source else source_id)}** ({plain(source_id)}): {plain(status_word)}.\n\n"
             + "\n".join(f"- {plain(p)}" for p in source_problems))

waiting = not_loaded(manifest)
if waiting:
    with st.expander(f"{len(waiting)} sources have nothing loaded yet (not an error)"):
        for source_id, reason in waiting:
            source = catalogue.source(source_id)
            st.markdown(f"- **{plain(source.title if source else source_id)}**: {plain(reason)}")
        if config.reference_dir() is None:
            st.markdown(f"Publishers' files are read from the folder named by `{config.ENV_REFERENCE_DIR}`; "
                        "it is not set, so only the shipped table of published figures is loaded.")

st.header("Sources")
# Rows three lines high: the grid wraps text only in rows taller than 4rem, and a source's title,
# publisher and attribution run to two or three lines (they were cut off on one).
sources = _sources_table(ui.store_version(), ui.file_key(config.CATALOGUE_PATH), catalogue, manifest, observations)
st.dataframe(sources, hide_index=True, width="stretch", row_height=SOURCE_ROW_PX, placeholder="",
             height=SOURCE_HEADER_PX + SOURCE_ROW_PX * max(1, min(sources.num_rows, SOURCE_ROWS_SHOWN)),
             column_config={"source": st.column_config.TextColumn("source", width="large"),
                            "publisher": st.column_config.TextColumn("publisher", width="medium"),
                            "attribution": st.column_config.TextColumn("attribution", width="large"),
                            "address": st.column_config.LinkColumn("address")})

st.header("Indicators in the catalogue")
st.dataframe(memo.once(catalogue, "indicator_table", lambda: ui.ready_table(indicator_table(catalogue))),
             hide_index=True, width="stretch", placeholder="")

st.header("Figures typed in from publications")
st.caption("Each figure cites its publisher, publication, table or section, vintage and licence.")
try:
    total, shown = _citations(ui.file_key(config.resolve_data_path("data:published_figures.csv")))
    # An empty cell is an empty field of the file (a figure for everyone has no breakdown), not a
    # missing value: blank, where the grid would write "None".
    st.dataframe(shown, hide_index=True, width="stretch", placeholder="")
    if total > CITATIONS_SHOWN:
        st.caption(f"The first {CITATIONS_SHOWN:,} of {total:,} figures; all are in "
                   "data/published_figures.csv and in the download below.")
except (DataFileError, FileNotFoundError) as exc:
    st.error(f"The published-figures table could not be read: {plain(exc)}")

st.header("Download")
# Built only when clicked (a callable is run on the click, off the page's rerun): at national
# scale the CSV takes seconds. download_csv applies disclosure control itself.
st.download_button("Download every figure (CSV, with source and licence per row)",
                   lambda: download_csv(observations, catalogue), file_name="cohesion_observations.csv",
                   mime="text/csv", disabled=observations.empty)
st.caption(f"{len(observations):,} rows. Missing values are blank with the publisher's reason in status_note.")
