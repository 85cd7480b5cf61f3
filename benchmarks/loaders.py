"""Benchmarks for the council template loaders on a big generated file (`python -m cohesion bench`).

A police force's export for many wards and many months can run to tens of megabytes. The file
here is generated (clearly not real: every note says so) in the police counts template layout,
about 50 MB, and loaded through the real loader in a child process so its peak memory is the
loader's own, not the benchmark runner's.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from cohesion.loaders.police_local import STRANDS

TARGET_MB = 50


def generate_police_export(path: Path, target_mb: int = TARGET_MB, seed: int = 1) -> int:
    """Write a generated police counts CSV of about `target_mb` MB; return its number of data rows."""
    rng = np.random.default_rng(seed)
    wards = [(f"E05{900_000 + i:06d}", f"Generated ward {i}") for i in range(400)]
    months = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(12 * 26)]
    per_row = 113  # bytes, measured on the layout below
    n = target_mb * 1_000_000 // per_row
    # Unique (period, ward, measure, strand) keys in order, as a real export would have.
    keys = np.arange(n)
    strand = keys % len(STRANDS)
    measure = (keys // len(STRANDS)) % 2
    ward = (keys // (2 * len(STRANDS))) % len(wards)
    month = keys // (2 * len(STRANDS) * len(wards))
    if month.max() >= len(months):
        raise ValueError("too many rows for the generated months")
    frame = pd.DataFrame({
        "period": np.array(months)[month],
        "area_type": "ward",
        "area_code": np.array([w[0] for w in wards])[ward],
        "area_name": np.array([w[1] for w in wards])[ward],
        "measure": np.array(["hate_crimes", "hate_incidents"])[measure],
        "strand": np.array(STRANDS)[strand],
        "count": rng.integers(0, 60, n).astype(str),
        "population": "12345",
        "note": "generated for benchmarking, not real",
    })
    frame.loc[frame.index % 97 == 0, "count"] = "[c]"
    frame.to_csv(path, index=False)
    return n


_CHILD = """
import resource, sys, time
from pathlib import Path
from cohesion.loaders.police_local import load_police_counts
start = time.perf_counter()
rows = len(load_police_counts(Path(sys.argv[1])))
seconds = time.perf_counter() - start
print(rows, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def measure_police_load(path: Path) -> tuple[int, float, float]:
    """(tidy rows, seconds, peak MB of the loading process) for one load of `path`."""
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True)
    rows, seconds, peak = done.stdout.split()
    return int(rows), float(seconds), float(peak)


def bench() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="cohesion-bench-") as tmp:
        path = Path(tmp) / "police_counts.csv"
        rows = generate_police_export(path)
        size_mb = path.stat().st_size / 1_000_000
        _out, seconds, peak = measure_police_load(path)
    return [(f"police template: generated export ({size_mb:.0f} MB, {rows:,} rows)",
             f"{seconds:.1f} s, peak {peak:.0f} MB (child process, one run)")]


if __name__ == "__main__":
    for label, figure in bench():
        print(f"{label:62} {figure}")
