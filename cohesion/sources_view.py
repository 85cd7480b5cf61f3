"""Tables for the Data & sources page: sources with their load status, the catalogue, downloads.

Pure functions of the catalogue, the store manifest and the observations, so the page only
draws them and the tests can check them without Streamlit.
"""

from __future__ import annotations

import pandas as pd

from cohesion import query
from cohesion.catalogue import Catalogue
from cohesion.store import Manifest

STATUS_WORDS = {
    "loaded": "Loaded",
    "kept_previous": "Failed: showing last good data",
    "failed": "Failed: not loaded",
    "no_file": "No file yet",
    "not_configured": "Publisher's file not imported",
    "no_loader": "Typed in or assessed by hand",
}


def sources_table(catalogue: Catalogue, manifest: Manifest | None, observations: pd.DataFrame) -> pd.DataFrame:
    """One row per catalogue source: who publishes it, its licence, what the last refresh did."""
    by_source = observations.groupby("source_id", sort=False)
    latest, counts = by_source["period"].max(), by_source.size()  # max of text: the last in sorted order
    rows = []
    for src in catalogue.sources:
        report = manifest.sources.get(src.id) if manifest else None
        rows.append({
            "source": src.title,
            "publisher": src.publisher,
            "latest period": latest.get(src.id, "") or "No data",
            "figures on screen": int(counts.get(src.id, 0)),
            "refresh": STATUS_WORDS.get(report.status, report.status) if report else "Not refreshed yet",
            "loaded at": (report.loaded_at if report else "") or "",
            "cadence": src.cadence,
            "next release": src.next_release or "Not announced",
            "licence": src.licence,
            "attribution": src.attribution,
            "address": src.url or "",
            "id": src.id,
        })
    return pd.DataFrame(rows)


def load_problems(manifest: Manifest | None) -> list[tuple[str, str, list[str]]]:
    """(source id, status word, problems) for sources whose last load failed."""
    if manifest is None:
        return []
    return [(sid, STATUS_WORDS.get(r.status, r.status), r.problems)
            for sid, r in manifest.sources.items() if r.status in ("failed", "kept_previous")]


def not_loaded(manifest: Manifest | None) -> list[tuple[str, str]]:
    """(source id, reason) for sources with nothing to load yet (not an error)."""
    if manifest is None:
        return []
    return [(sid, "; ".join(r.problems)) for sid, r in manifest.sources.items()
            if r.status in ("no_file", "not_configured")]


def how_to_load(manifest: Manifest | None, source_id: str, path: str | None) -> str:
    """What to do so a source's figures load, in plain text: the last refresh's own reason when it
    had nothing to load (a folder not configured, no file yet), else where the file goes."""
    record = manifest.sources.get(source_id) if manifest is not None else None
    if record is not None and record.status in ("no_file", "not_configured") and record.problems:
        return f"The last refresh had nothing to load: {'; '.join(record.problems)}. Then run python -m cohesion refresh."
    if path:
        return f"Place the file at {path} and run python -m cohesion refresh."
    return ""


def indicator_table(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue as a readable table."""
    rows = []
    for ind in catalogue.indicators:
        target = f"{ind.target.value:g} by {ind.target.year}" if ind.target.value is not None else f"No target: {ind.target.reason}"
        rows.append({
            "indicator": ind.title,
            "dimension": catalogue.dimension(ind.dimension).title,
            "priorities": ", ".join(str(catalogue.priority(p).number) for p in ind.priorities),
            "source": getattr(catalogue.source(ind.source), "publisher", ind.source),
            "unit": ind.unit,
            "polarity": ind.polarity.replace("_", " ") + (f" ({ind.polarity_reason})" if ind.polarity_reason else ""),
            "target": target,
            "status rule": ind.status.rule.replace("_", " "),
            "headline": "Yes" if ind.headline else "",
            "id": ind.id,
        })
    return pd.DataFrame(rows)


def download_frame(observations: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The tidy table with each row's source, publisher and licence, for CSV download.

    Disclosure control is applied here too (`cohesion.query.publishable`, idempotent), so the
    download is safe whatever frame a caller passes.
    """
    observations = query.publishable(observations, catalogue)
    meta = pd.DataFrame([
        {"source_id": s.id, "publisher": s.publisher, "source_title": s.title, "licence": s.licence,
         "attribution": s.attribution}
        for s in catalogue.sources
    ])
    titles = pd.DataFrame([{"indicator_id": i.id, "indicator_title": i.title} for i in catalogue.indicators])
    out = observations.merge(titles, on="indicator_id", how="left").merge(meta, on="source_id", how="left")
    out["period_end"] = pd.to_datetime(out["period_end"]).dt.date.astype(str)
    first = ["indicator_id", "indicator_title", "period", "area_code", "area_name", "breakdown", "value",
             "lower_ci", "upper_ci", "unit", "status_note", "series_break", "source_id", "publisher", "licence"]
    return out[first + [c for c in out.columns if c not in first]]


def download_csv(observations: pd.DataFrame, catalogue: Catalogue) -> bytes:
    """The "download every figure" file: `download_frame` (disclosure-controlled) as UTF-8 CSV bytes."""
    return download_frame(observations, catalogue).to_csv(index=False).encode("utf-8")
