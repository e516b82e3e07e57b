from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.fx_beer_misalignment import (
    BRENT,
    IPCA,
    SELIC,
    US_CPI,
    FxBeerMisalignment,
)
from macro_models.strategies.fx_carry_to_risk import FED_FUNDS, PTAX

AS_OF = date(2019, 12, 31)
MONTHS = pd.period_range("2014-01", "2019-12", freq="M")  # 72: 12 for inflation + 60 fitted


def inputs(shock: float = 0.0, seed: int = 5):
    """Monthly generating arrays; PTAX, Selic, FF and Brent flat within each month."""
    rng = np.random.default_rng(seed)
    n = len(MONTHS)
    ipca = 0.4 + 0.2 * rng.standard_normal(n)  # % m/m
    us_cpi = 240 * np.exp(np.cumsum(0.002 + 0.001 * rng.standard_normal(n)))
    selic = 10 + np.cumsum(0.25 * rng.standard_normal(n))
    ff = 1 + np.cumsum(0.1 * rng.standard_normal(n))
    brent = 60 * np.exp(np.cumsum(0.05 * rng.standard_normal(n)))
    p_br = np.cumsum(np.log1p(ipca / 100))
    p_us = np.log(us_cpi)
    infl_br = (np.exp(p_br[12:] - p_br[:-12]) - 1) * 100
    infl_us = (np.exp(p_us[12:] - p_us[:-12]) - 1) * 100
    rd = np.r_[np.full(12, np.nan), (selic[12:] - infl_br) - (ff[12:] - infl_us)]
    q = 1.2 - 0.02 * np.nan_to_num(rd) - 0.1 * np.log(brent) + 0.03 * rng.standard_normal(n)
    q[-1] += shock
    spot = np.exp(q - p_us + p_br)
    return dict(ipca=ipca, us_cpi=us_cpi, selic=selic, ff=ff, brent=brent, spot=spot, q=q, rd=rd)


def frame(g: dict) -> pd.DataFrame:
    days = pd.bdate_range(MONTHS[0].start_time, AS_OF, name="date")
    m = days.to_period("M").map({p: i for i, p in enumerate(MONTHS)})
    daily = pd.DataFrame(
        {
            PTAX: g["spot"][m],
            SELIC: g["selic"][m],
            FED_FUNDS: g["ff"][m],
            BRENT: g["brent"][m],
        },
        index=days,
    )
    monthly = pd.DataFrame(
        {IPCA: g["ipca"], US_CPI: g["us_cpi"]},
        index=pd.DatetimeIndex(MONTHS.start_time, name="date"),
    )
    out = daily.join(monthly, how="outer")
    return out[list(FxBeerMisalignment.columns)]


def test_misalignment_matches_a_least_squares_fit():
    g = inputs()
    sig = FxBeerMisalignment(window=60).signal(frame(g), AS_OF)
    x = np.column_stack([np.ones(60), g["rd"][12:], np.log(g["brent"][12:])])
    beta, ssr, *_ = np.linalg.lstsq(x, g["q"][12:], rcond=None)
    resid = g["q"][-1] - x[-1] @ beta
    z = resid / np.sqrt(ssr[0] / (60 - 3))
    (e,) = sig.exposures
    assert_allclose(e.zscore, z, rtol=1e-8)
    assert_allclose(e.take_profit, g["spot"][-1] * np.exp(-resid), rtol=1e-8)
    assert_allclose(sig.diagnostics["coefficients"]["rd"], beta[1], atol=1e-6)


def test_a_cheap_brl_is_short_usdbrl_with_target_at_fair_value():
    g = inputs(shock=0.3)
    sig = FxBeerMisalignment(z_cap=2.0).signal(frame(g), AS_OF)
    (e,) = sig.exposures
    assert e.zscore > 2 and e.exposure == -1.0
    assert e.take_profit < e.entry < e.stop
    assert_allclose(e.entry, g["spot"][-1])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"min_months": 3}, r"min_months must be in \[6, window=60\]"),
        ({"z_cap": 0}, "z_cap must be positive"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        FxBeerMisalignment(**params).signal(frame(inputs()), AS_OF)


def test_short_history_raises():
    data = frame(inputs())
    with pytest.raises(ValueError, match="needs 36 complete months, got 24"):
        FxBeerMisalignment().signal(data.loc["2017-01-01":], AS_OF)


def test_no_look_ahead():
    data = frame(inputs())
    before = FxBeerMisalignment().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {PTAX: [9.0], IPCA: [5.0], US_CPI: [1.0], SELIC: [50.0], FED_FUNDS: [9.0], BRENT: [1.0]},
        index=pd.DatetimeIndex(["2020-01-02"], name="date"),
    )
    assert FxBeerMisalignment().signal(pd.concat([data, later]), AS_OF).to_json() == before
