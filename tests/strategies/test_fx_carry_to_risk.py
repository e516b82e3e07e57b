from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.fx_carry_to_risk import CDI, FED_FUNDS, PTAX, FxCarryToRisk
from macro_models.strategies.levels import exit_levels, vol_per_day

AS_OF = date(2024, 4, 19)


def frame(n: int = 80, cdi_pa: float = 10.5, ff: float = 5.5) -> pd.DataFrame:
    """Business days to AS_OF; PTAX log changes alternate ±1 %, CDI and FF flat."""
    idx = pd.bdate_range(end=AS_OF, periods=n, name="date")
    steps = np.where(np.arange(n) % 2 == 0, 0.01, -0.01)
    steps[0] = 0.0
    cdi_day = ((1 + cdi_pa / 100) ** (1 / 252) - 1) * 100
    return pd.DataFrame(
        {PTAX: 5.0 * np.exp(np.cumsum(steps)), CDI: cdi_day, FED_FUNDS: ff}, index=idx
    )


def test_carry_to_risk_matches_the_hand_formula():
    data = frame()
    sig = FxCarryToRisk(vol_window=63, z_cap=2.0).signal(data, AS_OF)
    changes = np.diff(np.log(data[PTAX].to_numpy()))[-63:]
    sigma = np.std(changes, ddof=1)
    ratio = (10.5 - 5.5) / (sigma * np.sqrt(252) * 100)  # (CDI − FF) / vol
    (e,) = sig.exposures
    assert e.instrument_id == "USDBRL"
    assert_allclose(e.zscore, ratio)
    assert_allclose(e.exposure, -ratio / 2.0)  # positive carry: short USD/BRL
    spot = data[PTAX].iloc[-1]
    assert_allclose(e.entry, spot)
    assert_allclose(e.stop, spot * np.exp(1.5 * sigma * np.sqrt(21)))
    assert_allclose(e.take_profit, spot * np.exp(-2.0 * sigma * np.sqrt(21)))
    assert e.take_profit < e.entry < e.stop
    assert "carry-to-risk" in sig.rationale


def test_negative_carry_is_long_usdbrl_and_capped():
    sig = FxCarryToRisk(z_cap=0.01).signal(frame(cdi_pa=1.0, ff=5.0), AS_OF)
    (e,) = sig.exposures
    assert e.exposure == 1.0
    assert e.stop < e.entry < e.take_profit


def test_vol_per_day_scales_weekly_changes_to_daily():
    idx = pd.DatetimeIndex(["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"])
    s = pd.Series([10.0, 10.5, 10.0, 10.5], index=idx)
    assert_allclose(vol_per_day(s, 10, log=False), np.std([0.5, -0.5, 0.5], ddof=1) / np.sqrt(5))
    assert exit_levels(10.0, 0.2, 0.0, 1.5, 2.0, log=False) == (10.0, 10.0)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"z_cap": 0}, "z_cap must be positive"),
        ({"vol_window": 1}, "vol_window must be at least 2"),
        ({"stop_sigmas": -1}, "stop_sigmas must be positive"),
    ],
)
def test_bad_parameters_raise(params, match):
    with pytest.raises(ValueError, match=match):
        FxCarryToRisk(**params).signal(frame(), AS_OF)


def test_missing_input_raises():
    with pytest.raises(ValueError, match="no value of 'panel:fred__DFF'"):
        FxCarryToRisk().signal(frame().assign(**{FED_FUNDS: np.nan}), AS_OF)


def test_no_look_ahead():
    data = frame()
    before = FxCarryToRisk().signal(data, AS_OF).to_json()
    later = pd.DataFrame(
        {PTAX: [9.0, 1.0], CDI: [1.0, 1.0], FED_FUNDS: [20.0, 20.0]},
        index=pd.DatetimeIndex(["2024-04-22", "2024-04-23"], name="date"),
    )
    after = FxCarryToRisk().signal(pd.concat([data, later]), AS_OF).to_json()
    assert after == before


def test_a_spot_that_does_not_move_raises():
    with pytest.raises(ValueError, match="volatility of 'panel:bcb_sgs__1' is zero"):
        FxCarryToRisk().signal(frame().assign(**{PTAX: 5.0}), AS_OF)
