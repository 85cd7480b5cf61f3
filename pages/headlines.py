"""Headlines: the Future 100 Mission Board's landing page. One tile per headline indicator.

Tiles follow the strategy's order of measures; a stand-in (a published measure used until the
strategy's own has figures) sits right after its measure and is labelled as a stand-in.

Thin page: statuses come from cohesion.status (cached per store version, catalogue, manual file
and day); tile text from cohesion.status.view. Status is always word + symbol + colour.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cohesion import accessibility as a11y
from cohesion import config, present, ui
from cohesion.catalogue import CatalogueError
from cohesion.status import view
from cohesion.style import STATUS_STYLES

ui.through_entry_point()

TILES_PER_ROW = 3  # three readable tiles across a projector at 1600 px


# Per (indicator, store version, catalogue), not per rerun: converting six charts to their
# Vega-Lite specs was most of a warm rerun.
@st.cache_resource(max_entries=64, show_spinner=False)
def _sparkline_spec(indicator_id: str, version: str | None, catalogue_key: tuple, unit: str, title: str,
                    _points) -> dict | None:
    chart = view.sparkline_chart(_points, unit)
    if chart is None:
        return None
    text = a11y.series_text(title, a11y.frame_pairs(_points, "period", "value",
                                                    lambda v: present.format_value(v, unit)))
    return ui.ready_spec(a11y.described(chart, text).to_dict())


def _board_pack_section() -> None:
    """Build the board pack on request (a few seconds), then offer it for download."""
    st.header("Board pack")
    if st.button("Prepare board pack (PDF)", help="Builds the PDF for the Future 100 Mission Board (a few seconds)"):
        from cohesion.report.pack import PackFailed, PackUnavailable, build_pack_beside

        with st.spinner("Building the board pack: rendering charts..."):
            try:
                pdf, warnings = build_pack_beside(date.today())  # printed in a second process
            except CatalogueError as exc:
                st.error(f"The board pack cannot be built: the catalogue has {len(exc.problems)} problem(s); "
                         "see the Data & sources page.")
            except PackUnavailable as exc:  # the PDF library cannot run here: one message, the page goes on
                st.error(present.plain(exc))
            except PackFailed as exc:  # a chart or the PDF was refused: why, in one line
                st.error(present.plain(f"The board pack could not be built: {exc}"))
            else:
                st.session_state["board_pack"] = (date.today().isoformat(), pdf, warnings)
    if "board_pack" in st.session_state:
        made_on, pdf, warnings = st.session_state["board_pack"]
        for warning in warnings:
            st.warning(view.md_escape(warning))
        st.download_button("Download board pack (PDF)", data=pdf, file_name=f"board-pack-{made_on}.pdf",
                           mime="application/pdf", icon=":material/download:", on_click="ignore")


catalogue = ui.require_catalogue()
today = date.today()
bundle = ui.statuses(catalogue, today)
tiles = ui.headline_tiles(catalogue, bundle, today)
units = {i.id: i.unit for i in catalogue.indicators}

st.title(view.md_escape(f"{catalogue.place.name}: headline indicators"))
st.markdown(
    "Each tile gives the latest figure, how it compares, and **why** it has its status. "
    "Grey means not assessed yet, and the tile says why. " + view.md_escape(view.PRECISION_LEGEND)
)
st.markdown(" &nbsp; ".join(view.status_html(word) for word in STATUS_STYLES), unsafe_allow_html=True)
for problem in bundle.problems:
    st.warning(view.md_escape(problem))

counts: dict[str, int] = {}
for tile in tiles:
    counts[tile.status] = counts.get(tile.status, 0) + 1
st.header(view.md_escape(
    f"{len(tiles)} headline indicators: " + ", ".join(f"{n} {word}" for word, n in counts.items())
))

for start in range(0, len(tiles), TILES_PER_ROW):
    columns = st.columns(TILES_PER_ROW, gap="medium")
    for column, tile in zip(columns, tiles[start:start + TILES_PER_ROW], strict=False):
        with column, st.container(border=True, key=f"tile_{tile.indicator_id}"):
            # The tile's role first, so a stand-in is told from the strategy's own measure at a glance.
            # Text, not a badge: a badge cuts a long label on a narrow tile; this wraps.
            icon = ":material/swap_horiz:" if tile.stands_in_for else ":material/flag:"
            st.markdown(f"{icon} **{view.md_escape(tile.role)}**")
            st.markdown(f"### {view.md_escape(tile.title)}")
            st.markdown(view.status_html(tile.status, tile.detail, large=True),
                        unsafe_allow_html=True)
            has_figure = tile.value_text != present.MISSING
            label = view.md_escape(f"Latest ({tile.period})") if tile.period and has_figure else "Latest"
            not_comparable = bool(tile.change and tile.change.startswith("Not comparable"))
            st.metric(label, tile.value_text, delta=tile.change, delta_color="off",
                      delta_arrow="off" if not_comparable else "auto")
            if tile.missing_reason:
                st.markdown(view.md_escape(tile.missing_reason))
            spec = _sparkline_spec(tile.indicator_id, ui.store_version(), ui.file_key(config.CATALOGUE_PATH),
                                   units[tile.indicator_id], tile.title, tile.points)
            if spec is not None:  # named in words for screen readers, marks not read one by one
                st.vega_lite_chart(spec, width="stretch")
            st.markdown(view.md_escape(tile.sentence))
            if tile.stale:
                st.warning(view.md_escape(tile.stale), icon=":material/schedule:")
            if tile.commentary:
                st.markdown(f"*Delivery Group:* {view.md_escape(tile.commentary)}")
            st.caption(view.md_escape(f"Source: {tile.source}. {tile.as_of}. Next release: {tile.next_release}"))

_board_pack_section()
st.caption(view.md_escape(f"Statuses as on {today:%d %B %Y}. Open Priorities to see every indicator by priority."))
