from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.rates_br_us_spread import (
    DI1_5Y,
    UST_5Y,
    UST_10Y,
    RatesBrUsSpread,
    zn_price,
)

AS_OF = date(2022, 6, 27)


def frame(n: int = 40, last_br: float = 12.0, seed: int = 7) -> pd.DataFrame:
    """Weekly DI1 5y, daily UST 5y and 10y."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range(end=AS_OF, periods=n, freq="W-MON", name="date")
    br = 11 + 0.3 * rng.standard_normal(n)
    br[-1] = last_br
    days = pd.bdate_range(weeks[0], AS_OF, name="date")
    ust = pd.DataFrame(
        {
            UST_5Y: 3 + np.cumsum(0.02 * rng.standard_normal(len(days))),
            UST_10Y: 3.2 + np.cumsum(0.02 * rng.standard_normal(len(days))),
        },
        index=days,
    )
    return ust.join(pd.Series(br, index=weeks, name=DI1_5Y), how="outer")[
        list(RatesBrUsSpread.columns)
    ]


def test_zn_price_is_a_six_percent_bond():
    assert_allclose(zn_price(6.0), 100.0)
    y = 0.04 / 2
    flows = np.full(20, 3.0)
    flows[-1] += 100
    assert_allclose(zn_price(4.0), flows @ (1 + y) ** -np.arange(1, 21))


def test_spread_z_matches_the_sample_mean_and_std():
    data = frame()
    sig = RatesBrUsSpread(window=252, min_obs=26, z_cap=2.0, us_weight=0.5).signal(data, AS_OF)
    legs = data.assign(**data[[UST_5Y, UST_10Y]].ffill()).dropna()  # DI1 dates only
    spread = legs[DI1_5Y] - legs[UST_5Y]
    z = (spread.iloc[-1] - spread.mean()) / spread.std(ddof=1)
    di1, zn = sig.exposures
    assert (di1.instrument_id, zn.instrument_id) == ("DI1", "ZN")
    assert_allclose(di1.zscore, z)
    assert z > 0  # the last DI1 print is wide
    assert_allclose(di1.exposure, -min(z / 2.0, 1.0))
    assert_allclose(zn.exposure, 0.5 * di1.exposure)
    assert_allclose(zn.entry, zn_price(legs[UST_10Y].iloc[-1]))
    assert di1.take_profit < di1.entry < di1.stop  # received DI1
    assert zn.take_profit < zn.entry < zn.stop  # short ZN: loses when prices rise


@pytest.mark.parametrize(
    "params, match",
    [
        ({"us_weight": 1.5}, r"us_weight must be in \[0, 1\]"),
        ({"min_obs": 300}, r"min_obs must be in \[10, window=252\]"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        RatesBrUsSpread(**params).signal(frame(), AS_OF)


def test_stale_curve_raises():
    with pytest.raises(ValueError, match="the DI1 curve last known on 2022-06-27, 35 days"):
        RatesBrUsSpread().signal(frame(), date(2022, 8, 1))


def test_no_look_ahead():
    data = frame()
    before = RatesBrUsSpread().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {DI1_5Y: [30.0], UST_5Y: [0.0], UST_10Y: [9.0]},
        index=pd.DatetimeIndex(["2022-06-28"], name="date"),
    )
    assert RatesBrUsSpread().signal(pd.concat([data, later]), AS_OF).to_json() == before
