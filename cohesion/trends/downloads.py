"""The CSV behind every chart: each row carries its period, source, publisher and licence.

A downloaded figure must stay traceable once it leaves the dashboard, so every row names the
catalogue source, its publisher, licence, attribution and address. Small counts of crime are
suppressed here exactly as on screen (see `hatecrime.suppress_small_counts`), so a download can
never reveal what the page hides.
"""

from __future__ import annotations

import pandas as pd

from cohesion.catalogue.models import Catalogue, Indicator, Source
from cohesion.trends.hatecrime import is_count_unit, suppress_small_counts

DOWNLOAD_COLUMNS = [
    "indicator_id", "indicator", "area_code", "area_name", "area_type", "breakdown", "period", "period_end",
    "value", "unit", "lower_ci", "upper_ci", "numerator", "denominator", "status_note", "series_break",
    "source_id", "publisher", "source_title", "licence", "attribution", "source_url",
]

# Publishers whose counts of crimes or incidents fall under police disclosure practice.


def needs_disclosure_control(indicator: Indicator, catalogue: Catalogue) -> bool:
    """True for counts whose source is marked `disclosure_control: true` in the catalogue
    (police crime and incident counts); other counts (e.g. spaces on a register) are not suppressed.
    """
    if not is_count_unit(indicator.unit):
        return False
    source = _source_or_none(catalogue, indicator.source)
    return True if source is None else source.disclosure_control  # unknown source: be cautious


def _source_or_none(catalogue: Catalogue, source_id: str) -> Source | None:
    return next((s for s in catalogue.sources if s.id == source_id), None)


def download_frame(rows: pd.DataFrame, indicator: Indicator, catalogue: Catalogue, *,
                   suppress: bool | None = None, primary_code: str | None = None) -> pd.DataFrame:
    """Tidy rows of one indicator as a citation-carrying table, small counts suppressed.

    `suppress` defaults to `needs_disclosure_control(indicator, catalogue)`; the threshold is the
    catalogue's `meeting.small_count_threshold`.
    """
    threshold = catalogue.meeting.small_count_threshold
    if suppress is None:
        suppress = needs_disclosure_control(indicator, catalogue)
    out = suppress_small_counts(rows, threshold) if suppress else rows.copy()
    # The place's own area first, then the rest; within an area the headline before breakdowns.
    out["_first"] = (out["area_code"] != (primary_code or "")).astype(int)
    out = out.sort_values(["_first", "area_code", "breakdown", "period_end"], kind="stable").reset_index(drop=True)
    out["indicator"] = indicator.title
    sources = {sid: _source_or_none(catalogue, sid) for sid in out["source_id"].unique()}

    def cite(field: str) -> pd.Series:
        return out["source_id"].map(lambda sid: (getattr(sources.get(sid), field, None) or "") if sources.get(sid)
                                    else "")

    out["publisher"], out["source_title"], out["licence"] = cite("publisher"), cite("title"), cite("licence")
    out["attribution"], out["source_url"] = cite("attribution"), cite("url")
    out["period_end"] = pd.to_datetime(out["period_end"]).dt.strftime("%Y-%m-%d").fillna("")
    return out[DOWNLOAD_COLUMNS]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so Excel opens accented place names correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def table_view(rows: pd.DataFrame, indicator: Indicator, catalogue: Catalogue, *,
               primary_code: str | None = None) -> pd.DataFrame:
    """The on-screen table: the download's key columns with readable headers."""
    frame = download_frame(rows, indicator, catalogue, primary_code=primary_code)
    view = frame[["area_name", "breakdown", "period", "value", "lower_ci", "upper_ci", "status_note",
                  "series_break", "publisher", "licence"]].copy()
    view["breakdown"] = view["breakdown"].str.replace(r"^[a-z_]+=", "", regex=True).replace("", "All")
    return view.rename(columns={
        "area_name": "Area", "breakdown": "Group", "period": "Period", "value": f"Value ({indicator.unit})",
        "lower_ci": "95% CI lower", "upper_ci": "95% CI upper", "status_note": "Note",
        "series_break": "Series break", "publisher": "Publisher", "licence": "Licence",
    })
