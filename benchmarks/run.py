"""`python -m cohesion bench`: timings and memory, printed as figures (never asserted in tests).

Core figures here (catalogue validation, refresh on the shipped data, refresh on a generated
national-scale set); each feature adds its own through a `bench()` function listed in
FEATURE_BENCHES. The national-scale set is generated, clearly not real: 300 areas x 100
indicators x 15 periods (450,000 rows) in the published-figures format.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion import config

FEATURE_BENCHES = [
    "benchmarks.status:bench",
    "benchmarks.trends:bench",
    "benchmarks.geo:bench",
    "benchmarks.report:bench",
    "benchmarks.loaders:bench",
    "benchmarks.national:bench",
    "benchmarks.pages:bench",  # every page and the refresh at 1x, 3x and 10x national scale
    "benchmarks.tension:bench",
]


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall-clock time of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def temporary_data_dir(with_shipped: bool = True) -> Iterator[Path]:
    """A throwaway data folder (COHESION_DATA_DIR) so benchmarks never touch the real store."""
    previous = os.environ.get(config.ENV_DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="cohesion-bench-") as tmp:
        data = Path(tmp) / "data"
        if with_shipped:
            shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("processed", "meetings"))
        else:
            data.mkdir()
        os.environ[config.ENV_DATA_DIR] = str(data)
        try:
            yield data
        finally:
            if previous is None:
                os.environ.pop(config.ENV_DATA_DIR, None)
            else:
                os.environ[config.ENV_DATA_DIR] = previous


def generate_national_scale(folder: Path, areas: int = 300, indicators: int = 100, periods: int = 15,
                            seed: int = 1, scale: int = 1) -> Path:
    """Write a generated catalogue and figures table into `folder`; return the catalogue path.

    `scale` multiplies the number of areas (3x, 10x: more authorities or smaller areas, as a
    national or sub-authority table would have). The table is written one indicator at a time,
    so generating the 10x set (4.5 million rows) never holds it in memory at once.
    The rows are random numbers for timing only, labelled as generated in every citation field.
    """
    rng = np.random.default_rng(seed)
    areas = areas * scale
    place_code = "E06000021"
    # Every code once: the pattern's 21st code is the place's own, so it is skipped.
    others = (code for code in (f"E0{6 + i % 3}{i:06d}" for i in range(1, areas + 1)) if code != place_code)
    codes = [place_code, *itertools.islice(others, areas - 1)]
    years = [f"{2010 + i}/{(11 + i) % 100:02d}" for i in range(periods)]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "published_figures.csv").open("w", encoding="utf-8", newline="") as handle:
        for i in range(indicators):
            n = areas * periods
            value = rng.uniform(20, 80, n).round(1)
            pd.DataFrame({
                "source_id": "generated",
                "measure": f"gen_{i:03d}",
                "period": np.repeat(years, areas),
                "area_code": np.tile(codes, periods),
                "area_name": "Generated area",
                "area_type": "local_authority",
                "breakdown": "",
                "value": value,
                "lower_ci": (value - 3).round(1),
                "upper_ci": (value + 3).round(1),
                "unit": "%",
                "publisher": "Generated for benchmarking (not real data)",
                "publication": "Generated", "table_or_section": "Generated", "vintage": "Generated",
                "licence": "Not applicable (generated)",
            }).to_csv(handle, index=False, header=i == 0)
    base = config.CATALOGUE_PATH.read_text(encoding="utf-8")
    head = base[: base.index("sources:")]
    lines = [head, "sources:",
             "  - {id: generated, publisher: Generated, title: Generated benchmark set, licence: none,"
             " attribution: none, cadence: annual, loader: published_figures, path: 'data:published_figures.csv'}",
             "indicators:"]
    dims = ["trust", "fairness", "belonging", "agency", "safety"]
    # Spread the generated indicators over the real catalogue's priorities.
    pris = [line.split("id: ")[1].strip() for line in head.splitlines() if line.strip().startswith("- id: p")]
    for i in range(indicators):
        lines.append(
            f"  - {{id: gen_{i:03d}, title: Generated indicator {i}, definition: Generated., dimension: {dims[i % 5]},"
            f" priorities: [{pris[i % len(pris)]}], source: generated, unit: '%', polarity: higher_is_better,"
            f" target: {{reason: generated}}, status: {{rule: benchmark, comparator: previous_period}},"
            f" headline: {'true' if i < 6 else 'false'}}}")
    path = folder / "indicators.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def core_bench() -> list[tuple[str, str]]:
    from cohesion.catalogue import validate_file
    from cohesion.refresh import refresh

    out = [("catalogue: load and validate indicators.yaml",
            f"{median_ms(lambda: validate_file(config.CATALOGUE_PATH), 20):.1f} ms (median of 20)")]
    with temporary_data_dir():
        refresh(progress=lambda _m: None)  # warm imports
        out.append(("refresh: shipped default data",
                    f"{median_ms(lambda: refresh(progress=lambda _m: None), 5):.0f} ms (median of 5)"))
    with temporary_data_dir(with_shipped=False) as data:
        catalogue_path = generate_national_scale(data)
        with (data / "published_figures.csv").open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
        start = time.perf_counter()
        refresh(catalogue_path, progress=lambda _m: None)
        seconds = time.perf_counter() - start
        out.append((f"refresh: generated national-scale set ({rows:,} rows)", f"{seconds:.2f} s (one run)"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.append(("peak memory of this process so far", f"{peak_mb:.0f} MB"))
    return out


def main(argv: list[str] | None = None) -> int:
    if argv and "--load" in argv:  # the load benchmark (servers and sessions): benchmarks/load.py
        from benchmarks.load import main as load_main

        return load_main([a for a in argv if a != "--load"])
    parser = argparse.ArgumentParser(prog="python -m cohesion bench")
    parser.add_argument("--load", action="store_true", help="run the load benchmark instead (see --load --help)")
    parser.add_argument("--core-only", action="store_true", help="skip the page and feature benchmarks")
    args = parser.parse_args(argv or [])
    print(f"Benchmarks on {os.cpu_count()} CPU(s); figures are wall-clock times on this machine.\n")
    results = core_bench()
    _print(results)
    if not args.core_only:
        for target in FEATURE_BENCHES:
            module_name, _, func = target.partition(":")
            try:
                feature = getattr(importlib.import_module(module_name), func)
            except (ImportError, AttributeError) as exc:
                print(f"{module_name}: not available ({exc})")
                continue
            _print(feature())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (whole run): {peak_mb:.0f} MB")
    return 0


def _print(results: list[tuple[str, str]]) -> None:
    for label, figure in results:
        print(f"{label:62} {figure}")
