from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.rates_term_premium_vs_focus import (
    DI1_1Y,
    FOCUS_SELIC,
    SELIC,
    RatesTermPremiumVsFocus,
    expected_selic,
)

AS_OF = date(2022, 7, 1)


def frame(last_rate: float = 14.2) -> pd.DataFrame:
    """Daily DI1 1y alternating ±5 bp around 14 %, Selic 13.25 %, Focus year-end 13.75 %."""
    idx = pd.bdate_range(end=AS_OF, periods=70, name="date")
    rate = 14.0 + np.where(np.arange(70) % 2 == 0, 0.05, -0.05)
    rate[-1] = last_rate
    return pd.DataFrame({DI1_1Y: rate, SELIC: 13.25, FOCUS_SELIC: 13.75}, index=idx)


def test_premium_over_the_focus_path_matches_the_hand_formula():
    data = frame()
    sig = RatesTermPremiumVsFocus(neutral_premium=0.5, premium_scale=0.5, z_cap=2.0).signal(
        data, AS_OF
    )
    f = 183 / 365  # 1 Jul → 31 Dec
    expected = f * (13.25 + 13.75) / 2 + (1 - f) * 13.75
    z = (14.2 - expected - 0.5) / 0.5
    (e,) = sig.exposures
    assert_allclose(sig.diagnostics["expected_selic_pct"], round(expected, 4))
    assert_allclose(e.zscore, z)
    assert_allclose(e.exposure, -z / 2.0)  # a rich premium is received
    sigma = np.std(np.diff(data[DI1_1Y].to_numpy())[-63:], ddof=1)
    assert_allclose(e.stop, 14.2 + 1.5 * sigma * np.sqrt(21))
    assert_allclose(e.take_profit, 14.2 - 2.0 * sigma * np.sqrt(21))


def test_expected_selic_after_year_end_is_the_focus_rate():
    assert_allclose(expected_selic(10.0, 12.0, date(2022, 12, 31)), 12.0)
    assert_allclose(expected_selic(10.0, 12.0, date(2022, 1, 1)), (364 / 365) * 11 + 12 / 365)


def test_a_negative_premium_is_paid():
    (e,) = RatesTermPremiumVsFocus().signal(frame(last_rate=13.0), AS_OF).exposures
    assert e.exposure == 1.0
    assert e.stop < e.entry < e.take_profit


@pytest.mark.parametrize(
    "params, match",
    [
        ({"premium_scale": 0}, "premium_scale must be positive"),
        ({"max_stale_days": 0}, "max_stale_days must be positive"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        RatesTermPremiumVsFocus(**params).signal(frame(), AS_OF)


def test_missing_focus_raises():
    with pytest.raises(ValueError, match="no value of 'panel:bcb_focus__selic_annual_median'"):
        RatesTermPremiumVsFocus().signal(frame().assign(**{FOCUS_SELIC: np.nan}), AS_OF)


def test_no_look_ahead():
    data = frame()
    before = RatesTermPremiumVsFocus().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {DI1_1Y: [20.0], SELIC: [2.0], FOCUS_SELIC: [2.0]},
        index=pd.DatetimeIndex(["2022-07-04"], name="date"),
    )
    assert RatesTermPremiumVsFocus().signal(pd.concat([data, later]), AS_OF).to_json() == before
