"""The same database code on PostgreSQL (a throwaway cluster on loopback, started here): versions
and authors, the first-start import of a torn action log, concurrent writers, and two instances
setting up one empty database at the same moment."""

from __future__ import annotations

import json
import multiprocessing
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cohesion import db
from cohesion.meeting.actions import action_history, append_action, new_action, read_actions, update_action
from tests.browser.conftest import _free_port
from tests.browser.services import postgres_cluster


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with postgres_cluster(_free_port()) as url:
        yield url


@pytest.fixture
def pg(cluster: str, isolated_data: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty database in the cluster, configured as the dashboard's database."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = cluster.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv(db.ENV_DATABASE_URL, url)
    db.forget_engines()
    yield url
    db.forget_engines()


def _action(text: str, **kw):
    return new_action(kind="action", priority_id="p01", text=text, owner="Lead", **kw)


def test_versions_and_authors_on_postgresql(pg: str) -> None:
    first = append_action(_action("Draft the plan"), author="member@example.org")
    update_action(first.id, based_on=1, status="done", author="chair@example.org")
    assert [(h.version, h.status, h.changed_by) for h in action_history(first.id)] == [
        (1, "open", "member@example.org"), (2, "done", "chair@example.org")]
    assert db.describe(db.database_url()).startswith("postgresql+psycopg://cohesion@127.0.0.1:")


def test_torn_log_imported_into_postgresql_once(pg: str, isolated_data: Path) -> None:
    lines = [json.dumps({"id": f"old-{n}", "recorded_at": f"2026-01-0{n}T10:00:00+00:00", "kind": "decision",
                         "priority_id": "p01", "text": f"Old {n}"}).encode() for n in (1, 2, 3)]
    log = isolated_data / "meetings" / "actions.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(lines[0] + b"\n" + lines[1][:25] + lines[2] + b"\n")
    found = read_actions()
    assert [a.text for a in found.actions] == ["Old 1", "Old 3"]
    assert found.problems == ["actions.jsonl, line 2: skipped: incomplete line (torn write?); every complete "
                              "record was kept"]
    db.forget_engines()
    assert len(read_actions().actions) == 2


def _start_instance(ready) -> None:  # noqa: ANN001 - a multiprocessing barrier
    db.forget_engines()
    ready.wait()
    for n in range(30):
        append_action(_action(f"{multiprocessing.current_process().name} {n}"))


def test_two_instances_set_up_and_write_at_once(pg: str, isolated_data: Path) -> None:
    log = isolated_data / "meetings" / "actions.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text(json.dumps({"id": "old-1", "recorded_at": "2026-01-01T10:00:00+00:00", "kind": "decision",
                               "priority_id": "p01", "text": "Imported once"}) + "\n", encoding="utf-8")
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Barrier(2)
    procs = [ctx.Process(target=_start_instance, args=(ready,), name=f"instance-{tag}") for tag in "AB"]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    texts = [a.text for a in read_actions().actions]
    assert texts.count("Imported once") == 1  # the set-up ran once, under the advisory lock
    assert len(texts) == 61
