"""Status colours, symbols and words: one place, so every page and the PDF agree.

Colours are dark enough for white text at well over 3:1 contrast (checked in tests) and are
never used alone: each status also has a symbol and a word, for colour-blind readers and for
black-and-white print.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StatusStyle:
    label: str  # the word shown
    symbol: str  # shape that differs per status, so status survives greyscale
    colour: str  # background for white text
    meaning: str  # plain-English gloss for legends


STATUS_STYLES: dict[str, StatusStyle] = {
    "Green": StatusStyle("Green", "✔", "#1B7837", "on track or better than the comparator"),
    "Amber": StatusStyle("Amber", "▲", "#A64D00", "some progress, or not significantly different"),
    "Red": StatusStyle("Red", "✖", "#B2182B", "off track or significantly worse"),
    "Grey": StatusStyle("Grey", "○", "#595959", "not assessed: the reason is always given"),
}

# For no_judgement indicators (e.g. hate crime reports): direction only, never good or bad.
DIRECTION_STYLES: dict[str, StatusStyle] = {
    "Higher": StatusStyle("Higher", "↑", "#3B4B8C", "significantly higher than before"),
    "Similar": StatusStyle("Similar", "↔", "#595959", "no significant change"),
    "Lower": StatusStyle("Lower", "↓", "#3B4B8C", "significantly lower than before"),
}

# Early-warning (control chart) results: a signal of special cause, or none; never good or bad.
SIGNAL_STYLES: dict[str, StatusStyle] = {
    "Signal: higher than expected": StatusStyle("Signal: higher than expected", "◆", "#6A3D9A",
                                                "a Making Data Count signal: higher than the expected range or pattern"),
    "Signal: lower than expected": StatusStyle("Signal: lower than expected", "◇", "#6A3D9A",
                                               "a Making Data Count signal: lower than the expected range or pattern"),
    "No signal": StatusStyle("No signal", "●", "#3B4B8C", "within the expected range: common-cause variation"),
}


def style_for(status: str) -> StatusStyle:
    """Style for a status or direction word; unknown words get the Grey style."""
    return (STATUS_STYLES.get(status) or DIRECTION_STYLES.get(status) or SIGNAL_STYLES.get(status)
            or STATUS_STYLES["Grey"])


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two #RRGGBB colours."""

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
