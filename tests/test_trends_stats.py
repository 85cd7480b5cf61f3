"""The Fingertips recent-trend test (a worked example by hand, the drop-one check, bases from CIs) and
the hate-crime measure (annual counts, change, rates, suppression)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from cohesion import tidy
from cohesion.trends import hatecrime, stats


def series(values, *, n=None, lower=None, upper=None, breaks=None, start=2015) -> pd.DataFrame:
    k = len(values)
    periods = [f"{y}/{(y + 1) % 100:02d}" for y in range(start, start + k)]
    frame = pd.DataFrame({
        "period": periods, "area_code": "E06000099", "value": values,
        "numerator": [v / 100 * m for v, m in zip(values, n, strict=True)] if n else np.nan,
        "denominator": n if n else np.nan,
        "lower_ci": lower if lower else np.nan, "upper_ci": upper if upper else np.nan,
        "series_break": breaks or [""] * k, "unit": "%",
    })
    return tidy.conform(frame)


def test_worked_example_by_hand():
    # Five years, 1,000 respondents each, 50%, 52%, 54%, 56%, 58% agree; scores x = 1..5.
    # N = 5000, R = 2700, p = 0.54, sum(n x) = 15000, xbar = 3.
    # T = sum(r x) - R xbar = (500 + 1040 + 1620 + 2240 + 2900) - 2700 * 3 = 8300 - 8100 = 200.
    # Sxx = sum(n x^2) - N xbar^2 = 55000 - 45000 = 10000.
    # chi2 = T^2 / (p (1 - p) Sxx) = 40000 / (0.54 * 0.46 * 10000) = 40000 / 2484 = 16.103.
    # p-value = P(chi2_1 > 16.103) = 6.0e-5 < 0.002, so significant at 99.8%. Slope = T / Sxx = 0.02.
    chi2, p, slope = stats.chi2_trend(np.array([500, 520, 540, 560, 580]), np.full(5, 1000), np.arange(1, 6))
    assert chi2 == pytest.approx(40000 / 2484)
    assert chi2 == pytest.approx(16.103, abs=1e-3)
    assert p == pytest.approx(sps.chi2.sf(16.103, 1), rel=1e-3)
    assert p == pytest.approx(6.0e-5, rel=0.01)
    assert slope == pytest.approx(0.02)


def test_chi2_matches_the_textbook_closed_form():
    # Armitage's form: chi2 = N (N sum(r x) - R sum(n x))^2 / (R (N - R) (N sum(n x^2) - (sum(n x))^2)).
    r, n, x = np.array([30, 41, 38, 52, 60]), np.array([200, 210, 190, 205, 220]), np.arange(5.0)
    big_n, big_r = n.sum(), r.sum()
    expected = big_n * (big_n * (r * x).sum() - big_r * (n * x).sum()) ** 2 / (
        big_r * (big_n - big_r) * (big_n * (n * x * x).sum() - (n * x).sum() ** 2))
    assert stats.chi2_trend(r, n, x)[0] == pytest.approx(expected)


def test_significant_rise_is_increasing():
    result = stats.recent_trend(series([50, 52, 54, 56, 58], n=[1000] * 5))
    assert result.direction == stats.INCREASING
    assert result.robust is True
    assert result.periods == ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20")
    assert "Increasing" in result.sentence and "2.0 percentage points" in result.sentence


def test_significant_fall_is_decreasing():
    assert stats.recent_trend(series([58, 56, 54, 52, 50], n=[1000] * 5)).direction == stats.DECREASING


def test_small_wobble_is_no_significant_change():
    # 50, 51, 50, 52, 51 of 500: chi2 = 0.18, p = 0.67.
    result = stats.recent_trend(series([50, 51, 50, 52, 51], n=[500] * 5))
    assert result.direction == stats.NO_CHANGE
    assert result.p_value == pytest.approx(0.671, abs=1e-3)


def test_one_point_driving_the_trend_fails_the_drop_one_check():
    # 50, 50, 50, 50, 70 of 1,000: chi2 = 64, p ~ 1e-15, but without the last point the slope is 0.
    result = stats.recent_trend(series([50, 50, 50, 50, 70], n=[1000] * 5))
    assert result.p_value < stats.SIGNIFICANCE_P
    assert result.robust is False
    assert result.direction == stats.NO_CHANGE
    assert "single point" in result.sentence


def test_uses_only_the_last_five_points():
    # An old fall followed by five flat years: no trend, and the test names the last five periods.
    result = stats.recent_trend(series([80, 70, 60, 50, 50, 50, 50, 50], n=[1000] * 8))
    assert result.direction == stats.NO_CHANGE
    assert result.periods[0] == "2018/19"


def test_no_rows_is_not_enough():
    assert stats.recent_trend(series([50.0]).iloc[0:0]).direction == stats.NOT_ENOUGH


def test_fewer_than_five_points_is_not_enough():
    result = stats.recent_trend(series([50, 52, 54, 56], n=[1000] * 4))
    assert result.direction == stats.NOT_ENOUGH
    assert result.sentence.startswith("Not enough points for a trend")


def test_points_before_a_series_break_are_not_used():
    brk = ["", "", "", "Survey mode change", "", "", ""]
    result = stats.recent_trend(series([40, 45, 50, 56, 57, 58, 59], n=[1000] * 7, breaks=brk))
    assert result.direction == stats.NOT_ENOUGH
    assert "since the series break" in result.sentence


def test_a_gap_among_the_last_five_periods_means_no_trend():
    # 2017/18 has no figure: the five known points are not five consecutive periods, so (as in
    # Fingertips, which does not test series with gaps) no trend is called, never a zero.
    result = stats.recent_trend(series([50, 52, np.nan, 54, 56, 58], n=[1000] * 6))
    assert result.direction == stats.CANNOT
    assert result.sentence == ("Recent trend cannot be calculated: the last 5 periods are not consecutive "
                               "(2017/18 has no figure); Fingertips does not test a series with gaps.")


def test_a_period_absent_from_the_table_is_a_gap_too():
    rows = series([50, 52, 54, 56, 58, 60], n=[1000] * 6)
    rows = rows[rows["period"] != "2017/18"]  # not published at all, rather than marked missing
    result = stats.recent_trend(rows)
    assert result.direction == stats.CANNOT
    assert "no figure between 2016/17 and 2018/19" in result.sentence


def test_five_consecutive_after_a_gap_are_tested():
    result = stats.recent_trend(series([50, np.nan, 50, 52, 54, 56, 58], n=[1000] * 7))
    assert result.direction == stats.INCREASING and result.periods[0] == "2017/18"


def test_latest_period_missing_means_no_trend():
    result = stats.recent_trend(series([50, 52, 54, 56, 58, np.nan], n=[1000] * 6))
    assert result.direction == stats.CANNOT
    assert result.sentence == "Recent trend cannot be calculated: the latest period (2020/21) has no figure."


def test_count_equal_to_its_denominator_cannot_be_calculated():
    # 100% in 2019/20: Fingertips' drop-one slope uses log(count / (denominator - count)), undefined here.
    result = stats.recent_trend(series([96, 97, 98, 99, 100], n=[200] * 5))
    assert result.direction == stats.CANNOT
    assert "in 2019/20 the count is 0 or equals its base" in result.sentence


def test_tiny_denominators_cannot_be_calculated():
    result = stats.recent_trend(series([20, 40, 40, 60, 80], n=[5, 5, 5, 5, 5]))
    assert result.direction == stats.CANNOT
    assert f"a base below {stats.MIN_DENOMINATOR} in 2015/16" in result.sentence


def test_weighted_trend_worked_example_by_hand():
    """Five points 50, 52, 54, 56, 58 each with a 95% interval of +/-2 (width 4).

    SE = 4 / 3.92 = 1.02041, w = 1 / SE^2 = 0.9604 for every point, x = 1..5.
    S1 = 5w, S3 = 15w, S5 = 55w, D = S1 S5 - S3^2 = w^2 (275 - 225) = 50 w^2.
    Equal weights, so the slope is the ordinary one: 2.0 per period.
    SE(slope)^2 = S1 / D = 5w / 50w^2 = 0.1 / w = 0.104123;  chi2 = 4 / 0.104123 = 38.416 > 9.5495.
    """
    y = np.array([50.0, 52, 54, 56, 58])
    chi2, p, slope = stats.weighted_trend(y, y - 2, y + 2, np.arange(1.0, 6))
    assert slope == pytest.approx(2.0)
    assert chi2 == pytest.approx(40 * (3.92 / 4) ** 2)
    assert chi2 == pytest.approx(38.416, abs=1e-3)
    assert p == pytest.approx(sps.chi2.sf(38.416, 1), rel=1e-3)


def test_weighted_trend_matches_the_phe_package_example():
    """The worked example in PHEindicatormethods' assign_trend_markers documentation (value_type "other").

    Values 30.6, 30.2, 28.0, 24.6, 24.67 with 95% limits (28.98, 32.25), (28.63, 31.9), (26.44, 29.64),
    (23.15, 26.19), (23.16, 26.25). SE = width / 3.92 = 0.83418, 0.83418, 0.81633, 0.77551, 0.78827;
    w = 1.43707, 1.43707, 1.50063, 1.66274, 1.60937.  S1 = 7.64687, S2 = sum w x y = 618.9548,
    S3 = 23.51088, S4 = 209.99765, S5 = 87.52901, D = 116.56126.
    slope = (S1 S2 - S3 S4) / D = (4733.07 - 4937.23) / 116.561 = -1.7516 per year;
    chi2 = slope^2 D / S1 = 46.77 > 9.5495, and each drop-one slope is negative
    (-1.99, -1.63, -1.75, -1.57, -2.05), so the marker is Decreasing.
    """
    rows = series([30.6, 30.2, 28.0, 24.6, 24.67], lower=[28.98, 28.63, 26.44, 23.15, 23.16],
                  upper=[32.25, 31.9, 29.64, 26.19, 26.25])
    result = stats.recent_trend(rows, unit="per 100,000")
    assert result.method == stats.INTERVALS
    assert result.slope_per_period == pytest.approx(-1.7516, abs=1e-4)
    assert result.chi2 == pytest.approx(46.765, abs=1e-3)
    assert result.robust is True and result.direction == stats.DECREASING


def test_survey_percentages_with_only_an_interval_use_the_interval_method():
    # Published as 57.7% (53.0 to 62.4) and so on, with no base: no effective sample size is invented.
    values = [50, 53, 56, 59, 62]
    result = stats.recent_trend(series(values, lower=[v - 4.7 for v in values], upper=[v + 4.7 for v in values]))
    assert result.method == stats.INTERVALS and result.base_from_ci is True
    assert result.slope_per_period == pytest.approx(3.0)
    # SE = 9.4 / 3.92 = 2.398, w = 0.17390; chi2 = slope^2 x 50 w^2 / 5w = 9 x 10 w = 15.65 > 9.5495.
    assert result.chi2 == pytest.approx(90 * (3.92 / 9.4) ** 2)
    assert result.direction == stats.INCREASING


def test_mean_scores_with_intervals_are_tested_and_without_are_not():
    values = [7.2, 7.3, 7.4, 7.5, 7.6]
    with_ci = stats.recent_trend(series(values, lower=[v - 0.1 for v in values], upper=[v + 0.1 for v in values]),
                                 unit="mean score (0-10)")
    assert with_ci.direction == stats.INCREASING and with_ci.method == stats.INTERVALS
    without = stats.recent_trend(series(values), unit="mean score (0-10)")
    assert without.direction == stats.CANNOT and "95% interval" in without.sentence


def test_no_sample_size_or_interval_cannot_be_calculated():
    result = stats.recent_trend(series([50, 52, 54, 56, 58]))
    assert result.direction == stats.CANNOT
    assert "numerator and base or a 95% interval" in result.sentence


def test_pct_change():
    assert stats.pct_change(1570, 1578) == pytest.approx(-0.507, abs=1e-3)
    assert stats.pct_change(5, 0) is None
    assert stats.pct_change(math.nan, 3) is None


# ------------------------------------------------------------------ hate crime measure

def counts(periods, values, *, area="E05000001", name="Ward A", area_type="ward", population=None,
           breakdown="") -> pd.DataFrame:
    return tidy.conform(pd.DataFrame({
        "period": periods, "value": values, "area_code": area, "area_name": name, "area_type": area_type,
        "breakdown": breakdown, "unit": "count", "denominator": population if population else np.nan,
        "source_id": "police_local_counts"}))


def test_monthly_counts_sum_to_financial_years_with_change_and_rate():
    months = [str(p) for p in pd.period_range("2023-04", "2025-03", freq="M")]
    values = [20] * 12 + [25] * 12  # 240 in 2023/24, 300 in 2024/25
    summary = hatecrime.annual_summary(counts(months, values, population=12000))
    assert summary["period"].tolist() == ["2023/24", "2024/25"]
    latest = summary.iloc[-1]
    assert latest["count"] == 300 and latest["previous_count"] == 240
    assert latest["change_pct"] == pytest.approx(25.0)
    assert latest["rate_per_1k"] == pytest.approx(25.0)  # 300 / 12,000 * 1,000
    assert hatecrime.change_sentence(summary, noun="hate crimes") == (
        "Ward A: 300 hate crimes in 2024/25, up 25.0% on 2023/24 (240); 25.00 per 1,000 residents.")


def test_part_year_is_marked_and_not_compared():
    months = [str(p) for p in pd.period_range("2023-04", "2024-06", freq="M")]
    summary = hatecrime.annual_summary(counts(months, [20] * len(months)))
    part = summary.set_index("period").loc["2024/25"]
    assert part["note"] == "part year: 3 of 12 months" and np.isnan(part["change_pct"])
    # The sentence under the chart says it is a count to date, not the year's total.
    assert hatecrime.change_sentence(summary, noun="hate crimes") == (
        "Ward A: 60 hate crimes in 2024/25 so far (3 of 12 months; the year is not complete).")


def test_a_month_without_a_figure_leaves_no_annual_total():
    months = [str(p) for p in pd.period_range("2023-04", "2024-03", freq="M")]
    values = [20.0] * 11 + [np.nan]
    summary = hatecrime.annual_summary(counts(months, values))
    assert np.isnan(summary["count"].iloc[0])


def test_small_annual_counts_are_suppressed_with_their_change_and_rate():
    summary = hatecrime.annual_summary(counts(["2023/24", "2024/25"], [12, 7], population=5000), threshold=10)
    latest = summary.iloc[-1]
    assert np.isnan(latest["count"]) and np.isnan(latest["change_pct"]) and np.isnan(latest["rate_per_1k"])
    assert latest["note"].startswith("suppressed: fewer than 10")
    # The year after a suppressed year has no change either (it would reveal the hidden count).
    summary = hatecrime.annual_summary(counts(["2023/24", "2024/25"], [7, 30]), threshold=10)
    assert np.isnan(summary.iloc[-1]["change_pct"]) and summary.iloc[-1]["count"] == 30


def test_threshold_is_configurable():
    frame = counts(["2024/25"], [12])
    assert np.isnan(hatecrime.suppress_small_counts(frame, 15)["value"].iloc[0])
    assert hatecrime.suppress_small_counts(frame, 10)["value"].iloc[0] == 12


def test_non_consecutive_years_are_not_called_year_on_year():
    summary = hatecrime.annual_summary(counts(["2011/12", "2020/21"], [556, 801]))
    assert np.isnan(summary.iloc[-1]["change_pct"])


def test_monthly_period_end_is_the_month_not_a_financial_year():
    frame = hatecrime.with_month_ends(counts(["2025-06", "2024/25"], [30, 300]))
    assert frame["period_end"].dt.strftime("%Y-%m-%d").tolist() == ["2025-06-30", "2025-03-31"]


def test_monthly_series_fills_missing_months_as_gaps():
    rows = hatecrime.monthly_rows(counts(["2025-01", "2025-02", "2025-04"], [30, 31, 32]))
    series = hatecrime.monthly_series(rows, "E05000001")
    assert series["period"].tolist() == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert np.isnan(series["value"].iloc[2])


@pytest.mark.reference
def test_real_home_office_file_gives_the_published_change(reference_data):
    from cohesion.loaders.home_office import load_hate_crime

    path = reference_data / "indicators" / "hate_crime_home_office" / \
        "hate_crime_by_force_2017_18_to_2018_19_staffordshire.csv"
    rows = load_hate_crime(path)
    rows = rows[(rows["measure"] == "hate_crime_offences") & (rows["breakdown"] == "")]
    summary = hatecrime.annual_summary(rows)
    latest = summary.sort_values("period_end").iloc[-1]
    # SOURCE.md: 1,578 (2017/18) and 1,570 (2018/19), a change of -0.5%.
    assert latest["count"] == 1570 and latest["previous_count"] == 1578
    assert latest["change_pct"] == pytest.approx(-0.507, abs=1e-3)
    assert "down 0.5% on 2017/18 (1,578)" in hatecrime.change_sentence(summary)


def test_annual_total_suppressed_when_it_would_reveal_a_hidden_month():
    months = [str(p) for p in pd.period_range("2023-04", "2024-03", freq="M")]
    one_small = [20] * 11 + [4]  # total 224 minus the eleven shown months reveals the 4
    summary = hatecrime.annual_summary(counts(months, one_small))
    assert np.isnan(summary["count"].iloc[0])
    assert "would reveal months below 10" in summary["note"].iloc[0]
    all_small = [3, 1, 2, 4, 2, 1, 3, 2, 2, 1, 3, 2]  # nothing shown monthly; the total of 26 is safe
    assert hatecrime.annual_summary(counts(months, all_small))["count"].iloc[0] == 26
