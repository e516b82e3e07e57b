from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.fx_carry_momentum import FxCarryMomentum
from macro_models.strategies.fx_carry_to_risk import CDI, FED_FUNDS, PTAX

AS_OF = date(2024, 4, 19)


def frame(n: int = 80, drift: float = -0.002, cdi_pa: float = 10.5) -> pd.DataFrame:
    """PTAX log changes ``drift`` ± 0.5 % alternating; CDI and FF flat."""
    idx = pd.bdate_range(end=AS_OF, periods=n, name="date")
    steps = drift + np.where(np.arange(n) % 2 == 0, 0.005, -0.005)
    steps[0] = 0.0
    cdi_day = ((1 + cdi_pa / 100) ** (1 / 252) - 1) * 100
    return pd.DataFrame(
        {PTAX: 5.0 * np.exp(np.cumsum(steps)), CDI: cdi_day, FED_FUNDS: 5.5}, index=idx
    )


def test_excess_return_t_stat_matches_the_hand_formula():
    data, h = frame(), 63
    sig = FxCarryMomentum(lookback=h, z_cap=4.0).signal(data, AS_OF)
    s = data[PTAX].to_numpy()
    x = -np.log(s[-1] / s[-1 - h]) + (10.5 - 5.5) / 100 * h / 252  # spot + carry
    sigma = np.std(np.diff(np.log(s))[-h:], ddof=1)
    z = x / (sigma * np.sqrt(h))
    (e,) = sig.exposures
    assert_allclose(e.zscore, z)
    assert z > 0  # BRL appreciated and paid carry
    assert_allclose(e.exposure, -z / 4.0)
    assert_allclose(e.stop, s[-1] * np.exp(1.5 * sigma * np.sqrt(21)))
    assert_allclose(e.take_profit, s[-1] * np.exp(-2.0 * sigma * np.sqrt(21)))


def test_a_falling_brl_that_outruns_carry_is_long_usdbrl():
    sig = FxCarryMomentum(z_cap=0.5).signal(frame(drift=0.004, cdi_pa=6.0), AS_OF)
    (e,) = sig.exposures
    assert e.exposure == 1.0
    assert e.stop < e.entry < e.take_profit


@pytest.mark.parametrize(
    "params, match",
    [({"lookback": 0}, "lookback must be positive"), ({"z_cap": -1}, "z_cap must be positive")],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        FxCarryMomentum(**params).signal(frame(), AS_OF)


def test_short_history_raises():
    with pytest.raises(ValueError, match="momentum needs 64 PTAX observations, got 30"):
        FxCarryMomentum().signal(frame(n=30), AS_OF)


def test_no_look_ahead():
    data = frame()
    before = FxCarryMomentum().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {PTAX: [9.0], CDI: [1.0], FED_FUNDS: [20.0]},
        index=pd.DatetimeIndex(["2024-04-22"], name="date"),
    )
    assert FxCarryMomentum().signal(pd.concat([data, later]), AS_OF).to_json() == before
