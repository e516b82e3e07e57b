"""The DI1-implied Selic path, its gap to Focus and the policy surprise, on hand-built curves."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.agents.policy_path import (
    DiPolicyPath,
    business_days_between,
    forward_rates,
    load_inputs,
    rate_at,
)
from macro_models.pit import PointInTimeLoader

AS_OF = date(2024, 6, 28)  # a Friday; 186 calendar days (≈128 business days) to the year end


def curve(rates: dict[int, float]) -> pd.Series:
    return pd.Series(rates, dtype=float)


def di1_frame(rows: dict[str, dict[int, float]]) -> pd.DataFrame:
    """DI1 rates by trade date, with the loader's column names ``di1:<tenor>``."""
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index = pd.DatetimeIndex(frame.index)
    return frame.rename(columns=lambda t: f"di1:{t}")


def dated(values: dict[str, float]) -> pd.Series:
    return pd.Series(list(values.values()), index=pd.DatetimeIndex(list(values)), dtype=float)


# --- forwards -----------------------------------------------------------------------------


def test_forward_between_tenors_by_hand():
    # 10 % for 21 days and 11 % for 63: ((1.11^(63/252) / 1.10^(21/252)) ^ (252/42)) − 1.
    by_hand = (np.exp((63 * np.log(1.11) - 21 * np.log(1.10)) / 42) - 1) * 100
    assert_allclose(by_hand, 11.5035, atol=1e-4)  # worked out on paper: 11.50 %
    fwd = forward_rates(curve({21: 10.0, 63: 11.0}))
    assert_allclose(fwd["forward_pct"], [10.0, by_hand])
    assert fwd[["start_bd", "end_bd"]].to_numpy().tolist() == [[0, 21], [21, 63]]
    # One year at 12 %, two at 13 %: the second year's rate is 1.13² / 1.12 − 1 = 14.0089 %.
    assert_allclose(
        forward_rates(curve({252: 12.0, 504: 13.0}))["forward_pct"].iloc[1], 14.0089, atol=1e-4
    )


def test_forwards_recover_the_rates_a_curve_was_built_from():
    # A curve priced from a known step path of CDI: 10 % to 21 days, 12 % to 63, 13 % to 252.
    path = [(21, 10.0), (63, 12.0), (252, 13.0)]
    log_growth, start, rates = 0.0, 0, {}
    for end, cdi in path:
        log_growth += (end - start) / 252 * np.log1p(cdi / 100)
        rates[end] = np.expm1(log_growth * 252 / end) * 100
        start = end
    assert_allclose(forward_rates(curve(rates))["forward_pct"], [10.0, 12.0, 13.0])


def test_flat_curve_has_flat_forwards_and_rate_at_picks_the_segment():
    fwd = forward_rates(curve({126: 10.0, 21: 10.0, 63: 10.0, 252: 10.0}))  # order irrelevant
    assert_allclose(fwd["forward_pct"], 10.0)
    steps = forward_rates(curve({21: 10.0, 63: 11.0, 252: 12.0}))
    assert rate_at(steps, 0) == steps["forward_pct"].iloc[0]
    assert rate_at(steps, 21) == steps["forward_pct"].iloc[0]
    assert rate_at(steps, 22) == steps["forward_pct"].iloc[1]
    assert rate_at(steps, 252) == steps["forward_pct"].iloc[2]
    assert np.isnan(rate_at(steps, 253))


def test_forward_rates_rejects_bad_curves():
    with pytest.raises(ValueError, match="no DI1 rates"):
        forward_rates(curve({21: np.nan}))
    with pytest.raises(ValueError, match="positive business days"):
        forward_rates(curve({0: 10.0, 21: 10.0}))


def test_business_days_between():
    assert business_days_between(AS_OF, date(2024, 12, 31)) == 128  # 186 · 252/365 = 128.4
    assert business_days_between(date(2025, 1, 1), date(2026, 1, 1)) == 252


# --- market vs Focus ----------------------------------------------------------------------

CURVE = {21: 10.5, 63: 10.5, 126: 10.5, 252: 11.0}
# 128 business days to the year end fall in the 126–252 segment, whose forward is
# 1.11² / 1.105 − 1 = 11.5023 %; plus the 0.10 pp CDI–Selic spread: 11.6023 %.
END_2024 = 11.6023


def test_market_vs_focus_by_hand():
    path = DiPolicyPath().fit(di1_frame({"2024-06-28": CURVE}), AS_OF, dated({"2024-06-21": 11.0}))
    signal = path.signals_[0]
    d = path.diagnostics_["market_vs_focus"]
    assert (d["year_end"], d["horizon_bd"], d["focus_selic_pct"]) == (2024, 128, 11.0)
    assert_allclose(d["market_selic_pct"], END_2024, atol=1e-4)
    assert_allclose(d["gap_bp"], (END_2024 - 11.0) * 100, atol=0.01)
    assert (signal.signal_id, signal.direction) == ("br_market_vs_focus_path", 1)
    assert_allclose(signal.strength, 60.23 / 200, atol=1e-3)
    assert signal.confidence == 0.6
    assert_allclose(path.diagnostics_["implied_selic_1y_ahead_pct"], END_2024, atol=1e-4)
    below = DiPolicyPath().fit(di1_frame({"2024-06-28": CURVE}), AS_OF, dated({"2024-06-21": 12.5}))
    assert below.signals_[0].direction == -1
    inside = DiPolicyPath().fit(
        di1_frame({"2024-06-28": CURVE}), AS_OF, dated({"2024-06-21": 11.4})
    )
    assert inside.signals_[0].direction == 0


def test_late_in_the_year_the_next_year_end_is_compared():
    day = date(2024, 12, 20)
    di1 = di1_frame({"2024-12-20": {21: 10.0, 63: 10.0, 126: 10.0, 252: 10.0, 504: 12.0}})
    path = DiPolicyPath().fit(
        di1, day, dated({"2024-12-13": 10.1}), focus_selic_next=dated({"2024-12-13": 11.0})
    )
    d = path.diagnostics_["market_vs_focus"]
    assert d["year_end"] == 2025 and d["horizon_bd"] == 260  # 376 days · 252/365 = 259.6
    # The 252–504 forward: 1.12² / 1.10 − 1 = 14.0364 %, + 0.10 pp.
    assert_allclose(d["market_selic_pct"], (1.12**2 / 1.10 - 1) * 100 + 0.10, atol=1e-4)


def test_missing_or_stale_focus_degrades():
    di1 = di1_frame({"2024-06-28": CURVE})
    for focus in (None, dated({"2024-05-31": 11.0})):  # none, or four weeks old
        signal = DiPolicyPath().fit(di1, AS_OF, focus).signals_[0]
        assert (signal.direction, signal.confidence) == (0, 0.0)
        assert "no fresh Focus" in signal.rationale


# --- surprise -----------------------------------------------------------------------------

WEEK = {"2024-06-21": {**CURVE, 252: 11.0}, "2024-06-28": {**CURVE, 252: 11.4}}


def test_surprise_nets_out_the_focus_revision():
    focus = dated({"2024-06-21": 10.50, "2024-06-28": 10.70})
    path = DiPolicyPath().fit(di1_frame(WEEK), AS_OF, focus)
    d = path.diagnostics_["surprise"]
    assert (d["from"], d["to"], d["focus_change_source"]) == (
        "2024-06-21",
        "2024-06-28",
        "focus_level",
    )
    assert_allclose([d["di1_1y_change_bp"], d["focus_change_bp"], d["surprise_bp"]], [40, 20, 20])
    signal = path.signals_[1]
    assert (signal.signal_id, signal.direction, signal.confidence) == ("br_policy_surprise", 1, 0.6)
    # Fully explained by the survey: no surprise.
    explained = DiPolicyPath().fit(
        di1_frame(WEEK), AS_OF, dated({"2024-06-21": 10.5, "2024-06-28": 10.9})
    )
    assert explained.signals_[1].direction == 0


def test_surprise_from_the_four_week_revision_when_the_level_is_missing():
    rev = dated({"2024-06-28": 0.5})  # +50 bp over four weeks: 12.5 bp over one
    path = DiPolicyPath().fit(di1_frame(WEEK), AS_OF, focus_selic_rev_4w=rev)
    d = path.diagnostics_["surprise"]
    assert d["focus_change_source"] == "focus_rev_4w_scaled"
    assert_allclose(d["surprise_bp"], 40 - 12.5)
    unexplained = DiPolicyPath().fit(di1_frame(WEEK), AS_OF)
    assert unexplained.diagnostics_["surprise"]["focus_change_source"] == "missing"
    assert_allclose(unexplained.signals_[1].confidence, 0.36)  # 0.6 × 0.6


def test_dovish_surprise_and_a_missing_base():
    falling = {"2024-06-21": {**CURVE, 252: 11.4}, "2024-06-28": {**CURVE, 252: 11.0}}
    path = DiPolicyPath().fit(di1_frame(falling), AS_OF, dated({"2024-06-21": 10.5}))
    assert path.signals_[1].direction == -1
    lone = DiPolicyPath().fit(di1_frame({"2024-06-28": CURVE}), AS_OF)
    assert lone.signals_[1].confidence == 0.0
    assert "no 1-year DI1 rate 7 days before" in lone.signals_[1].rationale


def test_stale_curve_lowers_confidence_and_none_degrades():
    stale = DiPolicyPath().fit(di1_frame(WEEK), date(2024, 7, 23), dated({"2024-07-19": 11.0}))
    # 25 days old: 15 days past the 10-day limit, half way to zero confidence.
    assert_allclose([s.confidence for s in stale.signals_], [0.3, 0.18])
    for empty in (None, di1_frame({"2024-07-01": CURVE})):  # nothing known at the date
        path = DiPolicyPath().fit(empty, AS_OF)
        assert [s.confidence for s in path.signals_] == [0.0, 0.0]
        assert path.forwards_ is None
        assert path.diagnostics_["missing"] == "no DI1 curve known at the date"


@pytest.mark.parametrize(
    ("params", "match"),
    [
        pytest.param({"surprise_days": 0}, "surprise_days must be positive", id="window"),
        pytest.param({"path_band_bp": -1.0}, "bands must be non-negative", id="band"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        DiPolicyPath(**params).fit(di1_frame(WEEK), AS_OF)


def test_parameters_are_stored_as_given():
    p = DiPolicyPath(cdi_selic_spread_pp=0.0, surprise_days=5)
    assert (p.cdi_selic_spread_pp, p.surprise_days, p.path_band_bp) == (0.0, 5, 50.0)


def test_no_look_ahead():
    focus = dated({"2024-06-21": 10.50, "2024-06-28": 10.70})
    before = DiPolicyPath().fit(di1_frame(WEEK), AS_OF, focus, focus, dated({"2024-06-28": 0.3}))
    later = {**WEEK, "2024-07-01": {**CURVE, 252: 20.0}, "2024-07-05": {**CURVE, 21: 1.0}}
    after = DiPolicyPath().fit(
        di1_frame(later),
        AS_OF,
        dated({"2024-06-21": 10.50, "2024-06-28": 10.70, "2024-07-01": 15.0}),
        dated({"2024-06-21": 10.50, "2024-06-28": 10.70, "2024-07-01": 15.0}),
        dated({"2024-06-28": 0.3, "2024-07-01": 9.0}),
    )
    assert after.signals_ == before.signals_
    assert after.diagnostics_ == before.diagnostics_
    assert DiPolicyPath().fit(di1_frame(later), date(2024, 7, 1)).signals_ != before.signals_


# --- real data ----------------------------------------------------------------------------


@pytest.mark.slow
def test_real_di1_weeks(real_gold_engine):
    loader = PointInTimeLoader(real_gold_engine)
    # 2020: no DI1 curve in the real set: both views empty, no crash.
    none = DiPolicyPath().fit(**load_inputs(loader, date(2020, 6, 30)), as_of=date(2020, 6, 30))
    assert [s.confidence for s in none.signals_] == [0.0, 0.0]
    # 2021: hiking priced, but the real Focus Selic begins only in 2022.
    d2021 = date(2021, 6, 30)
    hikes = DiPolicyPath().fit(**load_inputs(loader, d2021), as_of=d2021)
    path = hikes.diagnostics_["implied_selic_path_pct"]
    assert path["126-252bd"] > path["0-21bd"] + 1.5  # more than 150 bp of hikes priced
    assert hikes.signals_[0].confidence == 0.0
    # January 2022: the market priced a higher end-2022 Selic than the Focus median.
    d2022 = date(2022, 1, 31)
    jan = DiPolicyPath().fit(**load_inputs(loader, d2022), as_of=d2022)
    assert jan.diagnostics_["market_vs_focus"]["gap_bp"] > 50
    assert jan.signals_[0].direction == 1 and jan.signals_[0].confidence > 0
