from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.rates_di_slope_vs_policy import (
    LONG,
    SELIC,
    SHORT,
    RatesDiSlopeVsPolicy,
)

AS_OF = date(2022, 6, 27)


def frame(n: int = 40, shock: float = 0.0, seed: int = 3) -> pd.DataFrame:
    """Weekly DI1 curves (as in the real history) and a daily Selic target.

    slope = 1 − 0.5·path + noise, with a ``shock`` (pp) on the last long-tenor rate.
    """
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(end=AS_OF, periods=n, freq="W-MON", name="date")
    selic = 10 + np.cumsum(0.1 * rng.standard_normal(n))
    path = 1.5 * rng.standard_normal(n)
    short = selic + path
    long = short + 1 - 0.5 * path + 0.1 * rng.standard_normal(n)
    long[-1] += shock
    curve = pd.DataFrame({SHORT: short, LONG: long}, index=weeks)
    days = pd.bdate_range(weeks[0], AS_OF, name="date")
    policy = pd.Series(selic, index=weeks).reindex(days, method="ffill").rename(SELIC)
    return curve.join(policy, how="outer")[list(RatesDiSlopeVsPolicy.columns)]


def test_residual_z_matches_a_least_squares_line():
    data = frame()
    sig = RatesDiSlopeVsPolicy(window=126, min_obs=26).signal(data, AS_OF)
    curve = data.dropna()
    slope = (curve[LONG] - curve[SHORT]).to_numpy()
    path = (curve[SHORT] - curve[SELIC]).to_numpy()
    b, a = np.polyfit(path, slope, 1)
    resid = slope - (a + b * path)
    z = resid[-1] / np.sqrt(resid @ resid / (len(resid) - 2))
    (e,) = sig.exposures
    assert e.instrument_id == "DI1"
    assert_allclose(e.zscore, z)
    assert_allclose(sig.diagnostics["coefficients"]["path"], b, atol=1e-6)
    assert_allclose(e.entry, curve[LONG].iloc[-1])


def test_a_too_steep_curve_is_received_with_levels_in_rate():
    data = frame(shock=1.0)
    sig = RatesDiSlopeVsPolicy(z_cap=2.0).signal(data, AS_OF)
    (e,) = sig.exposures
    assert e.zscore > 2 and e.exposure == -1.0
    long = data[LONG].dropna()
    changes = np.diff(long.to_numpy()) / np.sqrt(5)  # weekly changes to daily
    move = np.std(changes, ddof=1) * np.sqrt(21)
    assert_allclose(e.stop, e.entry + 1.5 * move)
    assert_allclose(e.take_profit, e.entry - 2.0 * move)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"min_obs": 5}, r"min_obs must be in \[10, window=126\]"),
        ({"horizon_days": 0}, "horizon_days must be positive"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        RatesDiSlopeVsPolicy(**params).signal(frame(), AS_OF)


def test_short_or_stale_curve_raises():
    with pytest.raises(ValueError, match="needs 26 curve dates, got 20"):
        RatesDiSlopeVsPolicy().signal(frame(n=20), AS_OF)
    with pytest.raises(ValueError, match="the DI1 curve last known on 2022-06-27"):
        RatesDiSlopeVsPolicy().signal(frame(), date(2022, 8, 1))


def test_no_look_ahead():
    data = frame()
    before = RatesDiSlopeVsPolicy().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {SHORT: [30.0], LONG: [1.0], SELIC: [2.0]},
        index=pd.DatetimeIndex(["2022-06-28"], name="date"),
    )
    assert RatesDiSlopeVsPolicy().signal(pd.concat([data, later]), AS_OF).to_json() == before
