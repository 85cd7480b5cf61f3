"""Load `indicators.yaml` and report every problem at once, each with its YAML path and line.

YAML is read with the safe loader only, after `safe_yaml.check_limits` has refused oversized
files, aliases and deep nesting (so a hostile file cannot exhaust memory or crash the process).
We compose the node tree first so that each problem can name the line it sits on, and so
duplicate keys (which plain safe_load would silently collapse, keeping the last) are caught.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cohesion import config
from cohesion.catalogue import safe_yaml
from cohesion.catalogue.models import Catalogue

PathTuple = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogue: where (file, YAML path, line) and what was expected."""

    file: str
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class CatalogueError(Exception):
    """Raised by `load_catalogue` when the file has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_path(path: PathTuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _index_nodes(node: yaml.Node, path: PathTuple, lines: dict[PathTuple, int],
                 duplicates: list[tuple[PathTuple, int]]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                duplicates.append((path + (key,), key_node.start_mark.line + 1))
            seen.add(key)
            _index_nodes(value_node, path + (key,), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_nodes(item, path + (i,), lines, duplicates)


def _line_for(path: PathTuple, lines: dict[PathTuple, int]) -> int | None:
    # Walk up to the nearest node that exists: a missing field is reported at its parent.
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def parse_yaml(text: str, file: str) -> tuple[Any, dict[PathTuple, int], list[Problem]]:
    """Safe-load YAML text; return the data, a path->line index and any problems found."""
    try:
        safe_yaml.check_limits(text)
        root, data = safe_yaml.compose_and_construct(text)
    except safe_yaml.YamlLimitError as exc:
        return None, {}, [Problem(file, "", exc.line, f"refused: {exc.message}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        return None, {}, [Problem(file, "", line, f"malformed YAML: {what}")]
    except (ValueError, TypeError, OverflowError) as exc:  # a tagged value the safe loader cannot build
        return None, {}, [Problem(file, "", None, f"malformed YAML: {exc}")]
    lines: dict[PathTuple, int] = {}
    duplicates: list[tuple[PathTuple, int]] = []
    if root is not None:
        _index_nodes(root, (), lines, duplicates)
    problems = [
        Problem(file, format_path(p), line, "duplicate key; each key may appear once")
        for p, line in duplicates
    ]
    return data, lines, problems


def _pydantic_problems(exc: ValidationError, file: str, lines: dict[PathTuple, int],
                       data: dict) -> list[Problem]:
    problems = []
    for err in exc.errors():
        # pydantic puts the discriminated-union tag in the path (status.benchmark.comparator);
        # the YAML has no such level, so drop it to point at the real key.
        raw_loc = err["loc"]
        loc = tuple(p for i, p in enumerate(raw_loc) if not (i and raw_loc[i - 1] == "status" and p in _RULE_TAGS))
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key; check the spelling against the README's catalogue reference"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"].startswith("date_"):  # e.g. 2025-02-30, read as text (see safe_yaml)
            message += f" (got {err.get('input')!r}); expected a real date written YYYY-MM-DD"
        elif "input" in err and err["type"] not in ("model_type",):
            message += f" (got {err['input']!r})" if not isinstance(err["input"], dict) else ""
        problems.append(Problem(file, _label(loc, data), _line_for(loc, lines), message))
    return problems


_RULE_TAGS = {"target", "trajectory", "benchmark", "count_change", "manual"}


def _label(path: PathTuple, data: Any) -> str:
    """YAML path, with the indicator or source id added so a reader can find the entry."""
    label = format_path(path)
    if len(path) >= 2 and isinstance(path[1], int) and isinstance(data, dict):
        items = data.get(path[0])
        if isinstance(items, list) and path[1] < len(items) and isinstance(items[path[1]], dict):
            entry_id = items[path[1]].get("id")
            if entry_id:
                label += f" (id '{entry_id}')"
    return label


def _cross_reference_problems(data: dict, file: str, lines: dict[PathTuple, int]) -> list[Problem]:
    problems: list[Problem] = []

    def ids(section: str) -> list[tuple[int, Any]]:
        items = data.get(section)
        return [(i, e.get("id")) for i, e in enumerate(items) if isinstance(e, dict)] if isinstance(items, list) else []

    def add(path: PathTuple, message: str) -> None:
        problems.append(Problem(file, _label(path, data), _line_for(path, lines), message))

    known: dict[str, set] = {}
    for section in ("dimensions", "priorities", "sources", "indicators"):
        seen: dict[Any, int] = {}
        for i, entry_id in ids(section):
            if entry_id in seen and entry_id is not None:
                add((section, i, "id"), f"duplicate id '{entry_id}' (first used at {section}[{seen[entry_id]}])")
            else:
                seen[entry_id] = i
        known[section] = {k for k in seen if k is not None}

    comparator_ids = set()
    place = data.get("place")
    if isinstance(place, dict) and isinstance(place.get("comparators"), list):
        comparator_ids = {c.get("id") for c in place["comparators"] if isinstance(c, dict)}

    indicators = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    for i, ind in enumerate(indicators):
        if not isinstance(ind, dict):
            continue
        dim = ind.get("dimension")
        if isinstance(dim, str) and dim not in known["dimensions"]:
            add(("indicators", i, "dimension"), f"unknown dimension '{dim}'; expected one of {sorted(known['dimensions'])}")
        for j, pri in enumerate(ind.get("priorities") or [] if isinstance(ind.get("priorities"), list) else []):
            if isinstance(pri, str) and pri not in known["priorities"]:
                add(("indicators", i, "priorities", j), f"unknown priority '{pri}'; expected one of {sorted(known['priorities'])}")
        src = ind.get("source")
        if isinstance(src, str) and src not in known["sources"]:
            add(("indicators", i, "source"), f"unknown source '{src}'; expected one of {sorted(known['sources'])}")
        stand_in = ind.get("stands_in_for")
        if isinstance(stand_in, str):
            # Its tile sits beside that measure's on Headlines: an id that names nothing would
            # leave it standing in for nothing, silently.
            if stand_in == ind.get("id"):
                add(("indicators", i, "stands_in_for"), "an indicator cannot stand in for itself; expected the id "
                    "of the strategy measure it stands in for")
            elif stand_in not in known["indicators"]:
                add(("indicators", i, "stands_in_for"), f"unknown indicator '{stand_in}'; expected the id of "
                    "another indicator in this catalogue (the strategy measure it stands in for)")
        status = ind.get("status")
        if isinstance(status, dict) and status.get("rule") == "benchmark":
            comp = status.get("comparator")
            if isinstance(comp, str) and comp != "previous_period" and comp not in comparator_ids:
                add(("indicators", i, "status", "comparator"),
                    f"unknown comparator '{comp}'; expected 'previous_period' or one of {sorted(c for c in comparator_ids if c)}")
        if isinstance(status, dict) and status.get("rule") == "trajectory":
            target = ind.get("target") if isinstance(ind.get("target"), dict) else {}
            if target.get("value") is None:
                add(("indicators", i, "target"), "the trajectory rule needs a target value and year")

    from cohesion.loaders.registry import LOADERS  # late import: loaders import the catalogue

    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    for i, src in enumerate(sources):
        loader = src.get("loader") if isinstance(src, dict) else None
        if isinstance(loader, str) and loader != "none" and loader not in LOADERS:
            add(("sources", i, "loader"), f"unknown loader '{src['loader']}'; expected 'none' or one of {sorted(LOADERS)}")
        spec = src.get("path") if isinstance(src, dict) else None
        if isinstance(spec, str) and (why := source_path_problem(spec)):
            add(("sources", i, "path"), why)

    meeting = data.get("meeting") if isinstance(data.get("meeting"), dict) else {}
    for j, pid in enumerate(meeting.get("agenda") or [] if isinstance(meeting.get("agenda"), list) else []):
        if isinstance(pid, str) and pid not in known["priorities"]:
            add(("meeting", "agenda", j), f"unknown priority '{pid}' in the agenda; expected one of {sorted(known['priorities'])}")

    used = {p for ind in indicators if isinstance(ind, dict) for p in (ind.get("priorities") or []) if isinstance(p, str)}
    for i, pid in ids("priorities"):
        if pid is not None and pid not in used:
            add(("priorities", i), f"priority '{pid}' has no indicator; every priority needs at least one")
    return problems


def source_path_problem(spec: str) -> str | None:
    """Why a source's `path` may not be read, or None; `refresh` asks the same before loading.

    A `reference:` path with no reference folder configured is not a catalogue problem (the
    source is reported as not configured when refreshing).
    """
    expected = "expected a path inside one of the data folders, such as data:file.csv"
    try:
        config.resolve_data_path(spec)
    except config.UnsafePathError as exc:
        return f"{exc}; {expected}"
    except FileNotFoundError:  # its folder is not configured here: judge the path by its text
        root, _, rel = spec.partition(":")
        if Path(rel).is_absolute() or os.path.normpath(rel).split(os.sep)[0] == "..":
            return f"'{spec}' would leave the {root} folder; {expected}"
    return None


def validate_text(text: str, file: str = "indicators.yaml") -> tuple[Catalogue | None, list[Problem]]:
    """Validate catalogue text; returns the catalogue (None if invalid) and every problem."""
    data, lines, problems = parse_yaml(text, file)
    if data is None and problems:
        return None, problems
    if not isinstance(data, dict):
        return None, problems + [Problem(file, "", 1, "expected a mapping with place, dimensions, priorities, sources and indicators")]
    catalogue = None
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, file, lines, data)
    problems += _cross_reference_problems(data, file, lines)
    problems.sort(key=lambda p: (p.line or 0, p.path))
    return (catalogue if not problems else None), problems


def validate_file(path: Path) -> tuple[Catalogue | None, list[Problem]]:
    """Validate a catalogue file; a missing, unreadable or oversized file is itself a problem."""
    try:
        size = Path(path).stat().st_size
        if size > safe_yaml.MAX_BYTES:  # refuse before reading a huge file into memory
            return None, [Problem(Path(path).name, "", None, f"refused: the file is {size:,} bytes; "
                                  f"expected at most {safe_yaml.MAX_BYTES:,} (a catalogue is tens of kilobytes)")]
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), "", None, f"cannot read the catalogue: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(Path(path).name, "", line, f"byte 0x{raw[exc.start]:02x} is not UTF-8 text; "
                              "expected the file saved as UTF-8")]
    return validate_text(text, file=Path(path).name)


def load_catalogue(path: Path) -> Catalogue:
    """The validated catalogue, or CatalogueError listing every problem."""
    catalogue, problems = validate_file(path)
    if problems or catalogue is None:
        raise CatalogueError(problems)
    return catalogue
