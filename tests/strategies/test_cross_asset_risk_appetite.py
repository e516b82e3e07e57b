"""Risk appetite composite on tiny hand-built frames."""

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.cross_asset_risk_appetite import (
    HY_OAS,
    IBOV,
    PTAX,
    SPX,
    VIX,
    RiskAppetite,
    level_z,
    momentum_z,
)

AS_OF = date(2024, 3, 28)
N = 40


def frame(vix_last: float = 12.0, trend: float = 0.002) -> pd.DataFrame:
    idx = pd.bdate_range(end=AS_OF, periods=N, name="date")
    w = np.where(np.arange(N) % 2 == 0, 0.01, -0.01)
    vix = np.where(np.arange(N) % 2 == 0, 18.0, 22.0)
    vix[-1] = vix_last
    hy = np.where(np.arange(N) % 2 == 0, 3.0, 4.0)
    return pd.DataFrame(
        {
            VIX: vix,
            HY_OAS: hy,
            IBOV: 120000 * np.exp(np.cumsum(w + trend)),
            SPX: 5000 * np.exp(np.cumsum(w + trend)),
            PTAX: 5.0 * np.exp(np.cumsum(w / 2)),
        },
        index=idx,
    )


MODEL = dict(zscore_days=30, momentum_days=10, vol_days=30, min_obs=20)


def test_components_match_the_hand_formulas():
    data = frame()
    v = data[VIX].to_numpy()[-30:]
    assert_allclose(level_z(data[VIX], 30, 20), (v[-1] - v.mean()) / v.std(ddof=1))
    r = np.diff(np.log(data[SPX].to_numpy()))
    assert_allclose(
        momentum_z(data[SPX], 10, 30, 20), r[-10:].sum() / (r[-30:].std(ddof=1) * np.sqrt(10))
    )
    assert np.isnan(level_z(data[VIX].iloc[:5], 30, 20))


def test_risk_on_buys_equities_and_sells_dollars():
    data = frame()
    model = RiskAppetite(**MODEL, entry_z=0.25, full_z=1.5)
    sig = model.signal(data, AS_OF)
    parts = model.components(data, AS_OF)
    ra = np.mean(list(parts.values()))
    assert ra > 0.25
    e = {x.instrument_id: x for x in sig.exposures}
    assert_allclose(e["IND"].exposure, min(ra / 1.5, 1.0))
    assert_allclose(e["ES"].exposure, min(ra / 1.5, 1.0))
    assert_allclose(e["USDBRL"].exposure, -min(ra / 1.5, 1.0))
    assert_allclose(e["IND"].zscore, ra)
    assert e["IND"].stop < e["IND"].entry < e["IND"].take_profit
    assert e["USDBRL"].take_profit < e["USDBRL"].entry < e["USDBRL"].stop
    spx = data[SPX].to_numpy()
    sd = np.diff(np.log(spx))[-30:].std(ddof=1) * np.sqrt(21)
    assert_allclose(e["ES"].stop, spx[-1] * np.exp(-2 * sd))
    assert_allclose(e["ES"].take_profit, spx[-1] * np.exp(3 * sd))


def test_fear_spike_and_falling_markets_are_risk_off():
    sig = RiskAppetite(**MODEL).signal(frame(vix_last=60.0, trend=-0.004), AS_OF)
    e = {x.instrument_id: x.exposure for x in sig.exposures}
    assert e["IND"] < 0 and e["ES"] < 0 and e["USDBRL"] > 0


def test_missing_component_is_left_out_and_listed():
    data = frame()
    data[HY_OAS] = np.nan
    sig = RiskAppetite(**MODEL).signal(data, AS_OF)
    assert sig.diagnostics["missing"] == ["hy_oas"]
    parts = sig.diagnostics["components"]
    assert parts["hy_oas"] is None
    json.dumps(sig.to_json(), allow_nan=False)
    assert_allclose(
        sig.diagnostics["risk_appetite"],
        np.mean([parts["vix"], parts["spx_momentum"], parts["ibov_momentum"]]),
    )


def test_stale_prices_get_no_exposure_nor_momentum():
    data = frame()
    data.loc[data.index[-12:], IBOV] = np.nan
    sig = RiskAppetite(**MODEL).signal(data, AS_OF)
    assert {x.instrument_id: x.exposure for x in sig.exposures}["IND"] == 0.0
    assert "ibov_momentum" in sig.diagnostics["missing"]
    assert sig.diagnostics["stale"] == ["IND"]


def test_no_look_ahead():
    data = frame()
    model = RiskAppetite(**MODEL)
    before = model.signal(data, AS_OF)
    later = pd.DataFrame(
        {VIX: 80.0, HY_OAS: 10.0, IBOV: 1.0, SPX: 1.0, PTAX: 9.0},
        index=pd.bdate_range(AS_OF, periods=4)[1:],
    )
    assert model.signal(pd.concat([data, later]), AS_OF) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_obs": 1}, "min_obs"),
        ({"min_obs": 40, "zscore_days": 30, "vol_days": 30}, "min_obs"),
        ({"entry_z": 2.0, "full_z": 1.0}, "entry_z < full_z"),
        ({"horizon_days": 0}, "must be > 0"),
        ({"max_quote_age_days": -1}, "max_quote_age_days"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RiskAppetite(**{**MODEL, **kwargs}).signal(frame(), AS_OF)


def test_nothing_known_raises():
    data = frame()
    data[[VIX, HY_OAS, IBOV, SPX]] = np.nan
    with pytest.raises(ValueError, match="no risk-appetite component"):
        RiskAppetite(**MODEL).signal(data, AS_OF)
