"""The board pack: one tagged PDF (PDF/UA-1) for the Future 100 Mission Board, built on the server.

The board reads the summary first: at a glance (statuses of the priorities and indicators), the
headline indicators and the priorities with status, coverage and reason. Then one section per
priority in agenda order: its indicators with a figure or a status, one line naming those
without, early-warning flags, changes since the last meeting, the recorded decisions and
actions, and a chart per indicator with two or more periods. Last, about the data: vintages,
how to read a status, sources and licences.

The content is the pack model (`model.py`: read layer, status service, presenter); `markup.py`
writes it as one JSON document and `render.py` prints that with Typst (layout in `pack.typ`) as a
tagged PDF, with charts as SVGs rendered by vl-convert, so no browser is needed. Each priority is
a PDF bookmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from cohesion import config, query
from cohesion.catalogue import load_catalogue
from cohesion.catalogue.models import Catalogue
from cohesion.db import DatabaseError
from cohesion.meeting.actions import Action, ActionLog, read_actions
from cohesion.meeting.assess import Assessment
from cohesion.meeting.diff import Change, diff_snapshots
from cohesion.meeting.snapshot import latest_snapshot, take_snapshot
from cohesion.report import charts, markup, render
from cohesion.report.charts import ChartEngine
from cohesion.report.engine import Engine
from cohesion.report.model import AUTHOR, Figures, build_model, chart_inputs, source_vintages
from cohesion.report.render import PackFailed, PackUnavailable
from cohesion.status.service import assess, assess_current
from cohesion.store import Manifest

__all__ = ["AUTHOR", "PackFailed", "PackUnavailable", "build_board_pack", "build_current_pack", "build_pack_beside",
           "pack_document", "source_vintages"]


def pack_document(catalogue: Catalogue, observations: pd.DataFrame, manifest: Manifest | None, *, today: date,
                  actions: Sequence[Action] | None = None, assessment: Assessment | None = None,
                  changes: Sequence[Change] | None = None) -> str:
    """The pack as the JSON document the PDF layout prints. See `build_board_pack` for the arguments."""
    return _pack_document(catalogue, query.publishable(observations, catalogue), manifest, today=today, actions=actions,
                      assessment=assessment, changes=changes)


def _pack_document(catalogue: Catalogue, observations: pd.DataFrame, manifest: Manifest | None, *, today: date,
               actions: Sequence[Action] | None, assessment: Assessment | None, changes: Sequence[Change] | None,
               engine: ChartEngine | None = None, figures: Figures | None = None) -> str:
    """`pack_document` for rows that are publishable already (disclosure control applied)."""
    assessment = assessment or assess(catalogue, observations, None, today)
    model = build_model(catalogue, observations, manifest, today=today, assessment=assessment,
                        actions=list(actions or []), changes=list(changes) if changes is not None else None,
                        engine=engine, figures=figures)
    return markup.document(model)


def build_board_pack(catalogue: Catalogue, observations: pd.DataFrame, manifest: Manifest | None, *, today: date,
                     actions: Sequence[Action] | None = None, assessment: Assessment | None = None,
                     changes: Sequence[Change] | None = None) -> bytes:
    """The whole pack as PDF bytes.

    `assessment` defaults to the status service for `today` (no manual statuses); `actions` are the
    recorded decisions and actions (none when not given); `changes` the diff since the last
    meeting, shown per priority when given. `observations` go through disclosure control here.
    Raises PackUnavailable (one message to show) when the PDF library cannot run on this machine.
    A warning about characters no font could draw is not returned here; `build_current_pack`
    (the CLI and the dashboard) gives it.
    """
    render.require()  # fail fast, before any chart is rendered
    with render.gc_paused():
        return render.document_to_pdf(pack_document(catalogue, observations, manifest, today=today, actions=actions,
                                                    assessment=assessment, changes=changes), created=today).pdf


def build_current_pack(*, today: date, engine: Engine | None = None) -> tuple[bytes, list[str]]:
    """The pack from the live catalogue, store, action log and last held meeting, plus warnings.

    What the CLI and the Headlines page's button both call. Raises CatalogueError when the
    catalogue is invalid (the caller shows its problems) and PackUnavailable when the PDF
    library cannot run here. With an `engine` (the CLI's second process, `engine.start()`), the
    charts are drawn and the PDF printed there; it raises EngineStopped if that process ends
    without an answer.
    """
    if engine is None:
        render.require()
    with render.gc_paused():
        return _current_pack(today, engine)


def build_pack_beside(today: date) -> tuple[bytes, list[str]]:
    """`build_current_pack` for the dashboard: charts drawn and the PDF printed in a second process
    (`engine.start(fork=False)`), or here if that process cannot start or stops."""
    from cohesion.report import engine as pack_engine

    second = None if render.known_unavailable() else pack_engine.start(fork=False)
    if second is not None:
        with second:
            try:
                return build_current_pack(today=today, engine=second)
            except pack_engine.EngineStopped:
                pass  # built here below
    return build_current_pack(today=today)


def _current_pack(today: date, engine: Engine | None) -> tuple[bytes, list[str]]:
    if engine is not None:  # a copy of this process builds the charts beside the statuses worked out here
        engine.start_copy(charts.load_builders, lambda inputs: charts.render_key_charts(*inputs, engine))
    catalogue = load_catalogue(config.CATALOGUE_PATH)
    # The store read once: the status service takes the rows as loaded, as the pages give it (it
    # controls them itself, and its early-warning limits need the small months); everything the
    # pack prints comes from the publishable rows.
    raw, manifest = query.load(), query.manifest()
    observations = query.publishable(raw, catalogue)
    figures = None
    if engine is not None:  # which charts, worked out here while the copy imports its chart libraries
        figures = Figures(catalogue, observations, None)
        engine.give_copy(chart_inputs(figures))
    warnings: list[str] = []
    if manifest is None:
        warnings.append("No data store yet (run `python -m cohesion refresh`); the pack shows no figures.")
    try:  # the database of what people wrote: a pack without it still shows every figure
        log = read_actions()
        before = latest_snapshot(before=today, problems=warnings)
    except DatabaseError as exc:
        log, before = ActionLog(), None
        warnings.append(f"Decisions, actions and earlier meetings are not in this pack: {exc}")
    warnings += log.problems
    assessment = assess_current(catalogue, today, observations=raw, visible=observations)
    warnings += assessment.problems
    changes = None
    if before is not None:
        now = take_snapshot(catalogue, assessment, observations, meeting_date=today,
                            store_version=query.store_version())
        changes = diff_snapshots(before, now, catalogue)
    document = _pack_document(catalogue, observations, manifest, today=today, actions=log.actions,
                              assessment=assessment, changes=changes, engine=engine, figures=figures)
    printed = render.document_to_pdf(document, created=today) if engine is None \
        else engine.pdf(document, created=today)
    return printed.pdf, warnings + printed.warnings
