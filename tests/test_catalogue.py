"""The catalogue: the shipped file is valid and complete; bad catalogues fail with located messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cohesion import config
from cohesion.catalogue import load_catalogue, validate_text
from cohesion.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "catalogue_minimal.yaml"
MINIMAL = FIXTURE.read_text(encoding="utf-8")


def test_minimal_fixture_is_valid() -> None:
    catalogue, problems = validate_text(MINIMAL, "minimal.yaml")
    assert problems == []
    assert catalogue is not None and len(catalogue.indicators) == 2


class TestShippedCatalogue:
    @pytest.fixture(scope="class")
    @classmethod
    def catalogue(cls):
        return load_catalogue(config.CATALOGUE_PATH)

    def test_five_dimensions_and_ten_priorities_in_order(self, catalogue) -> None:
        assert [d.id for d in catalogue.dimensions] == ["trust", "fairness", "belonging", "agency", "safety"]
        assert [p.number for p in catalogue.priorities] == list(range(1, 11))
        assert catalogue.priority("p10_spaces").title == "Invest in spaces that bring people together"

    def test_strategy_headline_measures_are_headlines(self, catalogue) -> None:
        headline = {i.id for i in catalogue.headline_indicators()}
        assert {"wellbeing_different_backgrounds", "wellbeing_pull_together", "hate_crime_offences",
                "influence_local_decisions", "satisfied_local_area"} <= headline

    def test_at_least_three_indicators_per_dimension(self, catalogue) -> None:
        for dim in catalogue.dimensions:
            assert len([i for i in catalogue.indicators if i.dimension == dim.id]) >= 3, dim.id

    def test_every_priority_has_an_indicator(self, catalogue) -> None:
        for pri in catalogue.priorities:
            assert catalogue.indicators_for_priority(pri.id), pri.id

    def test_place_is_configuration(self, catalogue) -> None:
        assert catalogue.place.code == "E06000021"
        assert catalogue.place.police_force.name == "Staffordshire"

    def test_no_judgement_indicators_say_why(self, catalogue) -> None:
        for ind in catalogue.indicators:
            if ind.polarity == "no_judgement":
                assert ind.polarity_reason and len(ind.polarity_reason) > 20


# Each case breaks the minimal catalogue one way: (id, old text, new text, path, line, expected words).
BAD_CASES = [
    ("duplicate_id", "  - id: hate_crimes", "  - id: trust_council", "indicators[1].id", 38, "duplicate id 'trust_council'"),
    ("unknown_dimension", "    dimension: safety", "    dimension: saftey", "indicators[1].dimension", 41, "unknown dimension 'saftey'"),
    ("unknown_priority", "priorities: [p02_safety]", "priorities: [p99_nothing]", "indicators[1].priorities[0]", 42, "unknown priority 'p99_nothing'"),
    ("unknown_source", "    source: survey\n    unit: count", "    source: census\n    unit: count", "indicators[1].source", 43, "unknown source 'census'"),
    ("target_without_year", "target: {value: 60, year: 2030}", "target: {value: 60}", "indicators[0].target", 35, "needs a target year"),
    ("wrong_type", "    headline: true", "    headline: sometimes", "indicators[0].headline", 37, "valid boolean"),
    ("unknown_key", "    headline: true", "    headlines: true", "indicators[0].headlines", 37, "unknown key"),
    ("no_judgement_without_reason", "    polarity_reason: More reports can mean more confidence to report.\n", "", "indicators[1]", 38, "needs a polarity_reason"),
    ("unknown_comparator", "comparator: england}", "comparator: wales}", "indicators[0].status.comparator", 36, "unknown comparator 'wales'"),
    ("unknown_rule", "status: {rule: count_change}", "status: {rule: vibes}", "indicators[1].status", 48, "rule"),
    ("unknown_loader", "    loader: published_figures", "    loader: magic", "sources[0].loader", 24, "unknown loader 'magic'"),
    ("duplicate_key", "    unit: count\n", "    unit: count\n    unit: number\n", "indicators[1].unit", 45, "duplicate key"),
    ("bad_place_code", "  code: E06000999", "  code: Exampleton", "place.code", 5, "should match pattern"),
    ("priority_without_indicator", "priorities: [p02_safety]", "priorities: [p01_plan]", "priorities[1]", 16, "has no indicator"),
    ("stand_in_for_nothing", "    headline: true", "    headline: true\n    stands_in_for: trust_counsil", "indicators[0].stands_in_for",
     38, "unknown indicator 'trust_counsil'"),
    ("stand_in_for_itself", "    headline: true", "    headline: true\n    stands_in_for: trust_council",
     "indicators[0].stands_in_for", 38, "cannot stand in for itself"),
]


@pytest.mark.parametrize(("case", "old", "new", "path", "line", "expected"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_catalogue_message_names_file_path_line_and_expectation(case, old, new, path, line, expected) -> None:
    assert old in MINIMAL, f"fixture text for {case} not found"
    catalogue, problems = validate_text(MINIMAL.replace(old, new, 1), "bad.yaml")
    assert catalogue is None
    matching = [p for p in problems if p.path.startswith(path)]
    assert matching, f"no problem at {path}: {[str(p) for p in problems]}"
    text = str(matching[0])
    assert text.startswith(f"bad.yaml:{line}:"), text
    assert expected in text, text


def test_malformed_yaml_names_line() -> None:
    broken = MINIMAL.replace("    unit: count", "    unit: [count", 1)
    catalogue, problems = validate_text(broken, "broken.yaml")
    assert catalogue is None and len(problems) == 1
    assert str(problems[0]).startswith("broken.yaml:") and "malformed YAML" in str(problems[0])
    assert problems[0].line is not None


def test_all_problems_reported_at_once() -> None:
    text = MINIMAL.replace("    dimension: safety", "    dimension: nope").replace("    headline: true", "    headlinez: true")
    _, problems = validate_text(text, "bad.yaml")
    assert {"indicators[1].dimension", "indicators[0].headlinez"} <= {p.path.split(" ")[0] for p in problems}


def test_yaml_is_loaded_safely() -> None:
    # A python-object tag must be refused, not executed.
    text = MINIMAL.replace("schema_version: 1", "schema_version: !!python/object/apply:os.system ['true']")
    catalogue, problems = validate_text(text, "evil.yaml")
    assert catalogue is None and "malformed YAML" in str(problems[0])


def test_validate_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    # The count comes from the catalogue itself, so adding an indicator does not break this test.
    count = len(load_catalogue(config.CATALOGUE_PATH).indicators)
    assert f"valid: {count} indicators" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("    dimension: safety", "    dimension: nope"), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "bad.yaml:41: indicators[1].dimension (id 'hate_crimes'): unknown dimension 'nope'" in out
