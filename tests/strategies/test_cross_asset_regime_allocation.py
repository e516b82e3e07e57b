"""Growth/inflation regime allocation on tiny hand-built frames."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.cross_asset_regime_allocation import (
    ALLOCATIONS,
    DI,
    IBC,
    IBOV,
    IPCA_3M,
    IPCA_12M,
    PTAX,
    SPX,
    UST10,
    RegimeAllocation,
    growth_momentum,
    zn_price,
)

AS_OF = date(2024, 3, 28)


def ibc(last_step: float = 0.0, n: int = 18) -> pd.Series:
    """Monthly index ending Feb 2024: flat at 100 with the last 3 months raised by last_step."""
    idx = pd.date_range(end="2024-02-01", periods=n, freq="MS")
    x = np.full(n, 100.0)
    x[-3:] += last_step
    return pd.Series(x, index=idx)


def frame(last_step: float, ipca3: float, ipca12: float) -> pd.DataFrame:
    days = pd.bdate_range(end=AS_OF, periods=30)
    w = np.where(np.arange(30) % 2 == 0, 1.0, -1.0)
    quotes = pd.DataFrame(
        {
            DI: 10.0 + 0.05 * w,
            UST10: 4.0 + 0.03 * w,
            IBOV: 120000 * np.exp(0.01 * w),
            SPX: 5000 * np.exp(0.01 * w),
            PTAX: 5.0 * np.exp(0.005 * w),
        },
        index=days,
    )
    months = pd.DataFrame(
        {IBC: ibc(last_step), IPCA_3M: np.nan, IPCA_12M: np.nan},
    )
    months.loc["2024-02-01", [IPCA_3M, IPCA_12M]] = [ipca3, ipca12]
    out = pd.concat([quotes, months]).sort_index()
    return out[list(RegimeAllocation.columns)]


def test_growth_momentum_by_hand():
    # yoy of the last 3 months: 3·102 / 300 − 1 = 2 %; three months earlier 0 %: +2 pp.
    g, month = growth_momentum(ibc(2.0))
    assert_allclose(g, 2.0)
    assert month == pd.Timestamp("2024-02-01")
    with pytest.raises(ValueError, match="needs 18 monthly values, got 17"):
        growth_momentum(ibc(2.0, n=17))
    with pytest.raises(ValueError, match="not contiguous"):
        growth_momentum(ibc(2.0, n=19).drop(pd.Timestamp("2023-06-01")))


def test_zn_price_reference():
    assert_allclose(zn_price(6.0), 100.0)  # a 6 % note at 6 % is at par
    assert_allclose(zn_price(0.0), 160.0)
    # Textbook: 10y 6 % semiannual at 4 %: 3·a(20, 2 %) + 100·1.02^−20 = 116.3514.
    assert_allclose(zn_price(4.0), 116.3514, atol=1e-4)


@pytest.mark.parametrize(
    ("step", "ipca3", "ipca12", "name"),
    [
        (2.0, 3.0, 4.0, "goldilocks"),
        (2.0, 5.0, 4.0, "reflation"),
        (-2.0, 5.0, 4.0, "stagflation"),
        (-2.0, 3.0, 4.0, "slowdown"),
    ],
)
def test_regimes_map_to_the_allocation_table(step, ipca3, ipca12, name):
    sig = RegimeAllocation(growth_scale=2.0, inflation_scale=1.0).signal(
        frame(step, ipca3, ipca12), AS_OF
    )
    assert sig.diagnostics["regime"] == name
    key = (step > 0, ipca3 > ipca12)
    got = {e.instrument_id: e.exposure for e in sig.exposures}
    assert got == ALLOCATIONS[key]  # |z_g| = |z_π| = 1: full size


def test_scale_levels_and_signs_by_hand():
    # z_g = 1/2 = 0.5, z_π = 2/1: scale min = 0.5 — goldilocks.
    data = frame(1.0, 2.0, 4.0)
    sig = RegimeAllocation(growth_scale=2.0).signal(data, AS_OF)
    e = {x.instrument_id: x for x in sig.exposures}
    assert_allclose(e["IND"].exposure, 0.5)
    assert_allclose(e["DI1"].exposure, -0.5)
    assert_allclose(e["DI1"].zscore, -0.5)
    sd_log = np.std(np.diff(np.log(data[IBOV].dropna().to_numpy())), ddof=1) * np.sqrt(21)
    ind = data[IBOV].dropna().iloc[-1]
    assert_allclose(
        [e["IND"].entry, e["IND"].stop, e["IND"].take_profit],
        [ind, ind * np.exp(-2 * sd_log), ind * np.exp(3 * sd_log)],
    )
    # Receiving DI1 (−): stop above the rate; long ZN (+): stop at a lower price.
    assert e["DI1"].stop > e["DI1"].entry > e["DI1"].take_profit
    assert e["ZN"].stop < e["ZN"].entry < e["ZN"].take_profit
    assert e["USDBRL"].stop > e["USDBRL"].entry > e["USDBRL"].take_profit


def test_stale_quotes_get_no_exposure():
    data = frame(2.0, 3.0, 4.0)
    data.loc[data.index > pd.Timestamp("2024-03-01"), SPX] = np.nan
    sig = RegimeAllocation().signal(data, AS_OF)
    assert {e.instrument_id: e.exposure for e in sig.exposures}["ES"] == 0.0
    assert sig.diagnostics["stale"] == ["ES"]


def test_no_look_ahead():
    data = frame(2.0, 3.0, 4.0)
    model = RegimeAllocation()
    before = model.signal(data, AS_OF)
    extra = pd.DataFrame(
        {c: 1.0 for c in RegimeAllocation.columns},
        index=pd.DatetimeIndex(["2024-03-29", "2024-04-01"]),
    )
    extra.loc["2024-04-01", IBC] = 50.0  # a collapse published later
    assert model.signal(pd.concat([data, extra]), AS_OF) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"growth_scale": 0.0}, "growth_scale"),
        ({"vol_obs": 1}, "vol_obs"),
        ({"stop_sigmas": 0.0}, "must be > 0"),
        ({"max_quote_age_days": -1}, "max_quote_age_days"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RegimeAllocation(**kwargs).signal(frame(2.0, 3.0, 4.0), AS_OF)
