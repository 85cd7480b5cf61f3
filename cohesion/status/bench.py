"""Status benchmarks for `python -m cohesion bench`: page reruns and the engine, default and national scale.

A warm rerun is what a user waits for after clicking a widget: the page runs once (filling the
caches), then `AppTest.run()` is timed repeatedly. The national-scale set is the generated,
clearly-not-real one from `cohesion.bench.generate_national_scale` (300 areas x 100 indicators x
15 periods), with its generated catalogue swapped in for the run.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from cohesion import config
from cohesion.bench import median_ms

PAGES = ("pages/headlines.py", "pages/priorities.py")
WARM_RUNS = 15



@contextmanager
def _catalogue_at(path: Path):
    # Pages read config.CATALOGUE_PATH at call time, so pointing it elsewhere swaps the catalogue in-process.
    previous = config.CATALOGUE_PATH
    config.CATALOGUE_PATH = path
    try:
        yield
    finally:
        config.CATALOGUE_PATH = previous


def page_rerun_ms(page: str, runs: int = WARM_RUNS) -> float:
    """Median wall-clock of a warm rerun of one page (first run not counted)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(config.PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page(page).run()
    if at.exception:
        raise RuntimeError(f"{page} failed: {at.exception[0].value}")
    return median_ms(at.run, runs)


def engine_ms(runs: int = 5) -> float:
    """Median time to assess every indicator, roll up, build the grid and the tiles (no caching)."""
    from cohesion import store
    from cohesion.catalogue import load_catalogue
    from cohesion.status.manual import MANUAL_FILE_NAME
    from cohesion.status.view import compute_statuses

    catalogue = load_catalogue(config.CATALOGUE_PATH)
    observations = store.read_observations()
    manual = config.data_dir() / MANUAL_FILE_NAME
    return median_ms(lambda: compute_statuses(catalogue, observations, manual, date.today()), runs)


def bench() -> list[tuple[str, str]]:
    """(label, figure) pairs: warm page reruns and the engine, on the shipped data and at national scale."""
    from cohesion.bench import generate_national_scale, temporary_data_dir
    from cohesion.refresh import refresh

    out: list[tuple[str, str]] = []
    with temporary_data_dir():
        refresh(progress=lambda _m: None)
        for page in PAGES:
            out.append((f"status: warm rerun of {page}, default data",
                        f"{page_rerun_ms(page):.0f} ms (median of {WARM_RUNS}; target < 150 ms)"))
        out.append(("status: assess + roll-up + tiles, default data", f"{engine_ms():.1f} ms (median of 5)"))
    with temporary_data_dir(with_shipped=False) as data:
        catalogue_path = generate_national_scale(data)
        refresh(catalogue_path, progress=lambda _m: None)
        with _catalogue_at(catalogue_path):
            for page in PAGES:
                out.append((f"status: warm rerun of {page}, national scale",
                            f"{page_rerun_ms(page):.0f} ms (median of {WARM_RUNS}; target < 500 ms)"))
            out.append(("status: assess + roll-up + tiles, national scale (450,000 rows)",
                        f"{engine_ms():.0f} ms (median of 5, uncached)"))
    return out


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:62} {figure}")
