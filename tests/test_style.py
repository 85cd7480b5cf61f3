"""Status colours: at least 3:1 against white text, distinct symbols and words for each status."""

from cohesion.style import DIRECTION_STYLES, STATUS_STYLES, contrast_ratio, style_for


def test_every_status_colour_has_at_least_3_to_1_contrast_with_white_text() -> None:
    for style in [*STATUS_STYLES.values(), *DIRECTION_STYLES.values()]:
        assert contrast_ratio("#FFFFFF", style.colour) >= 4.5, style.label


def test_status_is_never_colour_alone() -> None:
    symbols = [s.symbol for s in STATUS_STYLES.values()]
    assert len(set(symbols)) == len(symbols) == 4
    assert [s.label for s in STATUS_STYLES.values()] == ["Green", "Amber", "Red", "Grey"]


def test_contrast_ratio_known_values() -> None:
    assert round(contrast_ratio("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast_ratio("#777777", "#FFFFFF"), 2) == 4.48
    assert style_for("Unknown").label == "Grey"
