"""The database that holds what people write: actions and decisions, meeting snapshots, manual statuses.

One setting chooses it: the environment variable `COHESION_DATABASE_URL`, else `url` under
`[database]` in `.streamlit/secrets.toml`, else an SQLite file `cohesion.sqlite` in the data
folder (git-ignored), created on first use. SQLite runs in WAL mode with a busy timeout, so a
reader never blocks a writer and two people saving at once both succeed; PostgreSQL
(`postgresql+psycopg://...`) is for a shared deployment of several dashboard instances.

Every failure of the database (unreachable, locked too long, disk full, read-only) is raised as
`DatabaseError` with one sentence a person can act on; callers show it, never a traceback.
The first connection to a database creates the tables and imports the files the dashboard used
before (see `migrate.py`), idempotently.
"""

from __future__ import annotations

import functools
import getpass
import os
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from cohesion import config
from cohesion.db.schema import metadata

ENV_DATABASE_URL = "COHESION_DATABASE_URL"
SQLITE_NAME = "cohesion.sqlite"
SETUP_LOCK_KEY = 7_262_024  # PostgreSQL advisory lock held while creating tables and importing
BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another writer before giving up

_engines: dict[str, Engine] = {}
_ready: set[str] = set()
_lock = threading.Lock()


class DatabaseError(RuntimeError):
    """The database could not be read or written; the message is one sentence for the user."""


def secrets_paths() -> list[Path]:
    """Where Streamlit looks for secrets.toml that the dashboard also reads (project, then cwd)."""
    paths = [config.PROJECT_ROOT / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]
    return list(dict.fromkeys(config.resolved(str(p)) for p in paths))


def read_secrets() -> dict:
    """The merged contents of the secrets files (later files win per top-level key); {} if none."""
    merged: dict = {}
    for path in secrets_paths():
        try:
            with path.open("rb") as handle:
                merged.update(tomllib.load(handle))
        except FileNotFoundError:
            continue
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise DatabaseError(f"{path.name}: could not be read as TOML ({exc})") from exc
    return merged


def _streamlit_secrets() -> dict:
    """Inside the Streamlit server, its own secrets (which honour --secrets.files); else {}."""
    if "streamlit" not in sys.modules:  # a command line: no server, and importing Streamlit costs 0.2 s
        return {}
    try:
        from streamlit import runtime

        if not runtime.exists():
            return {}
        import streamlit as st

        return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}
    except Exception:  # noqa: BLE001 - unreadable secrets fall back to the files read below
        return {}


_URLS: dict[tuple, str] = {}


def database_url() -> str:
    """The configured database URL, or the embedded SQLite file in the data folder.

    Asked several times per page visit: worked out again only when the setting's sources change
    (the environment variable, the data folder, the secrets files' identities, Streamlit's secrets).
    """
    env = os.environ.get(ENV_DATABASE_URL, "").strip()
    streamlit_section = _streamlit_secrets().get("database")
    key = (env, str(config.data_dir()), repr(streamlit_section),
           tuple((str(p), *_identity(p)) for p in secrets_paths()))
    url = _URLS.get(key)
    if url is None:
        if len(_URLS) >= 64:  # settings rarely change; keep the memo small when they do (tests)
            _URLS.clear()
        url = _URLS[key] = _database_url(env, streamlit_section)
    return url


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _database_url(env: str, streamlit_section: object) -> str:
    url = env
    if not url:
        section = streamlit_section or read_secrets().get("database", {})
        url = str(section.get("url", "")).strip() if isinstance(section, dict) else ""
    if not url:
        url = f"sqlite:///{config.data_dir() / SQLITE_NAME}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]  # psycopg 3 is the driver we ship
    return url


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(unparseable database URL)"


def os_author() -> str:
    """Who wrote a row from a command line or an unsigned-in local session: the OS account."""
    try:
        return f"{getpass.getuser()} (local account)"
    except (KeyError, OSError):
        return "unknown local account"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API objects are untyped
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")  # what people write survives a power cut
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself


def _make_engine(url: str) -> Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"The database folder could not be created ({exc.strerror or exc}).") from exc
        engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            connect_args={"connect_timeout": 10})


def _sqlite_begin(conn: Connection) -> None:
    # The driver's own implicit transactions are off (see _sqlite_pragmas); a write transaction
    # starts with BEGIN IMMEDIATE so concurrent writers queue on the busy timeout instead of
    # failing half-way, and reads use a plain (deferred) BEGIN that never blocks a writer.
    read_only = conn.get_execution_options().get("cohesion_read", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def engine(url: str | None = None) -> Engine:
    """The engine for the configured database, with tables created and old files imported once."""
    url = url or database_url()
    with _lock:
        eng = _engines.get(url)
        if eng is None:
            try:
                eng = _engines[url] = _make_engine(url)
            except (sa.exc.ArgumentError, ImportError) as exc:
                raise DatabaseError(f"The database setting '{describe(url)}' is not usable: {exc}") from exc
        if url not in _ready:
            from cohesion.db.migrate import import_legacy_files

            with translate_errors(url), eng.begin() as conn:
                if eng.dialect.name == "postgresql":
                    # Several instances may start at once: one creates the tables and imports, the others wait.
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK_KEY})
                metadata.create_all(conn)  # SQLite: inside BEGIN IMMEDIATE, so serialised too
                import_legacy_files(conn)
            _ready.add(url)
    return eng


def forget_engines() -> None:
    """Drop cached engines (tests, or after the data folder changed)."""
    with _lock:
        for eng in _engines.values():
            eng.dispose()
        _engines.clear()
        _ready.clear()


@contextmanager
def translate_errors(url: str | None = None) -> Iterator[None]:
    """Turn driver errors into one clear DatabaseError sentence."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(_sentence(exc, url or database_url())) from exc
    except OSError as exc:
        raise DatabaseError(f"The database could not be written ({exc.strerror or exc}).") from exc


def _sentence(exc: sa.exc.DBAPIError, url: str) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
    where = describe(url)
    low = text.lower()
    if "full" in low or "no space" in low:
        return f"The database is full (no space left on the disk); nothing was saved. ({where})"
    if "readonly" in low or "read-only" in low:
        return f"The database is read-only here, so nothing can be saved. ({where})"
    if "locked" in low or "busy" in low:
        return f"The database is busy with another save; nothing was saved, please try again. ({where})"
    if isinstance(exc, sa.exc.OperationalError):
        return f"The database could not be reached: {text} ({where})"
    return f"The database refused the request: {text} ({where})"


@contextmanager
def write() -> Iterator[Connection]:
    """One transaction for a write: all of it is saved, or none of it (DatabaseError)."""
    eng = engine()
    with translate_errors(eng.url.render_as_string(hide_password=False)), eng.begin() as conn:
        yield conn


@contextmanager
def read() -> Iterator[Connection]:
    """A connection for reading (errors become DatabaseError)."""
    eng = engine()
    with translate_errors(eng.url.render_as_string(hide_password=False)), eng.connect().execution_options(cohesion_read=True) as conn:
        yield conn


def revision() -> tuple:
    """What people have written so far, in one query: (rows, newest id) of the manual statuses,
    rows of the action versions and snapshots, and the imports' rows and latest time.

    Those tables are only appended to (a correction is a new version; imports run once, at first
    start), so this changes with every write, from any instance: pages key what they read on it
    and ask the database for it once per visit instead of reading every table.
    """
    with read() as conn:
        row = conn.execute(_revision_query()).one()
    return (database_url(), *(v if v is not None else 0 for v in row))


@functools.lru_cache(maxsize=1)
def _revision_query() -> sa.Select:
    # Built once: constructing the statement cost as much as running it.
    from cohesion.db.schema import action_versions, imports, manual_statuses, snapshots

    def scalar(expr, table):  # noqa: ANN001, ANN202 - SQLAlchemy expressions
        return sa.select(expr).select_from(table).scalar_subquery()

    return sa.select(scalar(sa.func.count(), manual_statuses), scalar(sa.func.max(manual_statuses.c.id), manual_statuses),
                     scalar(sa.func.count(), action_versions), scalar(sa.func.count(), snapshots),
                     scalar(sa.func.max(snapshots.c.id), snapshots), scalar(sa.func.count(), imports),
                     scalar(sa.func.max(imports.c.imported_at), imports))

