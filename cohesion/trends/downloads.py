"""The CSV behind every chart: each row carries its period, source, publisher and licence.

A downloaded figure must stay traceable once it leaves the dashboard, so every row names the
catalogue source, its publisher, licence, attribution and address. Disclosure control is the
read layer's (`cohesion.query.publishable`), applied again here (it is idempotent) so a download
can never reveal what the page hides, whatever rows a caller passes in.
"""

from __future__ import annotations

import pandas as pd

from cohesion import query
from cohesion.catalogue.models import Catalogue, Indicator, Source
from cohesion.present import MISSING, format_number, format_value

DOWNLOAD_COLUMNS = [
    "indicator_id", "indicator", "area_code", "area_name", "area_type", "breakdown", "period", "period_end",
    "value", "unit", "lower_ci", "upper_ci", "numerator", "denominator", "status_note", "series_break",
    "source_id", "publisher", "source_title", "licence", "attribution", "source_url",
]

def needs_disclosure_control(indicator: Indicator, catalogue: Catalogue) -> bool:
    """True for counts whose source is marked `disclosure_control: true` in the catalogue."""
    return indicator.id in query.controlled_indicator_ids(catalogue)


def _source_or_none(catalogue: Catalogue, source_id: str) -> Source | None:
    return catalogue.source(source_id)


def download_frame(rows: pd.DataFrame, indicator: Indicator, catalogue: Catalogue, *,
                   suppress: bool | None = None, primary_code: str | None = None) -> pd.DataFrame:
    """Tidy rows of one indicator as a citation-carrying table, disclosure control applied.

    `suppress` is kept for older callers; disclosure control is always applied (it cannot be
    switched off for something that leaves the app).
    """
    out = query.publishable(rows, catalogue).copy()
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
    """The on-screen table: the download's key columns with readable headers, as text.

    Figures are written by the presenter; a missing value reads "no figure" and a missing
    interval is blank, never None or nan.
    """
    frame = download_frame(rows, indicator, catalogue, primary_code=primary_code)
    view = frame[["area_name", "breakdown", "period", "value", "lower_ci", "upper_ci", "status_note",
                  "series_break", "publisher", "licence"]].copy()
    view["breakdown"] = view["breakdown"].str.replace(r"^[a-z_]+=", "", regex=True).replace("", "All")
    view["value"] = [format_value(v, indicator.unit) for v in view["value"]]
    for column in ("lower_ci", "upper_ci"):
        view[column] = ["" if pd.isna(v) else format_number(float(v)) for v in view[column]]
    for column in ("status_note", "series_break", "publisher", "licence"):
        view[column] = view[column].fillna("").astype(str)
    return view.rename(columns={
        "area_name": "Area", "breakdown": "Group", "period": "Period", "value": f"Value ({indicator.unit})",
        "lower_ci": "95% CI lower", "upper_ci": "95% CI upper", "status_note": "Note",
        "series_break": "Series break", "publisher": "Publisher", "licence": "Licence",
    })


__all__ = ["DOWNLOAD_COLUMNS", "MISSING", "download_frame", "needs_disclosure_control", "table_view", "to_csv_bytes"]
