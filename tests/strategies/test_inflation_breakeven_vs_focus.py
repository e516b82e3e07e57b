"""Breakeven from DI vs NTN-B against Focus on tiny hand-built frames."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.base import StrategySignal
from macro_models.strategies.inflation_breakeven_vs_focus import (
    BREAKEVEN,
    DI,
    FOCUS,
    REAL,
    BreakevenVsFocus,
    fisher_breakeven,
)

AS_OF = date(2024, 3, 28)


def frame(premia: list[float], focus: float = 4.0, real: float = 6.0) -> pd.DataFrame:
    """Daily rows to AS_OF: the real rate flat, DI set so the breakeven is focus + premium."""
    idx = pd.bdate_range(end=AS_OF, periods=len(premia), name="date")
    be = focus + np.asarray(premia)
    di = ((1 + be / 100) * (1 + real / 100) - 1) * 100
    return pd.DataFrame({DI: di, REAL: real, BREAKEVEN: np.nan, FOCUS: focus}, index=idx)


def premia(last: float, n: int = 30) -> list[float]:
    return [0.5, 1.5] * ((n - 1) // 2) + [1.0] * ((n - 1) % 2) + [last]


def test_fisher_breakeven_by_hand():
    # (1.1236 / 1.06) − 1 = 6 % exactly.
    assert_allclose(fisher_breakeven(pd.Series([12.36]), pd.Series([6.0])), [6.0])


def test_z_exposure_and_levels_match_the_hand_formula():
    data = frame(premia(3.0))
    sig = BreakevenVsFocus(window=30, min_obs=10, entry_z=1.0, full_z=2.0).signal(data, AS_OF)
    p = np.asarray(premia(3.0))
    z = (p[-1] - p.mean()) / p.std(ddof=1)
    ntnb, di1 = sig.exposures
    assert (ntnb.instrument_id, di1.instrument_id) == ("NTNB", "DI1")
    assert_allclose([ntnb.zscore, di1.zscore], z)
    assert z > 2.0  # rich breakeven: sell it, at full size
    assert ntnb.exposure == di1.exposure == -1.0
    # Short NTNB gains when the real yield rises; it was flat, so sd 0: levels at entry.
    assert ntnb.entry == ntnb.stop == ntnb.take_profit == 6.0
    # Receiving DI1 gains when DI falls: stop above, take-profit below, by 2 and 3 sd·√21.
    di = data[DI].to_numpy()
    sd = np.std(np.diff(di)[-30:], ddof=1) * np.sqrt(21)
    assert_allclose(
        [di1.entry, di1.stop, di1.take_profit], [di[-1], di[-1] + 2 * sd, di[-1] - 3 * sd]
    )
    assert_allclose(sig.diagnostics["premium_pp"], 3.0)
    assert_allclose(sig.diagnostics["breakeven_pct"], 7.0)
    assert isinstance(sig, StrategySignal) and "sell breakeven" in sig.rationale


def test_cheap_breakeven_buys_ntnb_and_pays_di():
    sig = BreakevenVsFocus(window=30, min_obs=10).signal(frame(premia(-1.0)), AS_OF)
    ntnb, di1 = sig.exposures
    assert ntnb.exposure > 0 and di1.exposure > 0
    assert ntnb.stop >= ntnb.entry >= ntnb.take_profit  # long bond: stop at a higher yield
    assert di1.stop < di1.entry < di1.take_profit  # paying DI: stop at a lower rate


def test_inside_the_entry_band_is_flat():
    sig = BreakevenVsFocus(window=30, min_obs=10, entry_z=1.0).signal(frame(premia(1.2)), AS_OF)
    assert all(e.exposure == 0.0 for e in sig.exposures)
    assert abs(sig.exposures[0].zscore) < 1.0


def test_government_breakeven_fills_dates_without_di():
    data = frame(premia(3.0))
    be_di = fisher_breakeven(data[DI], data[REAL])
    data.loc[data.index[:-1:2], BREAKEVEN] = be_di.iloc[:-1:2]
    data.loc[data.index[:-1:2], DI] = np.nan
    model = BreakevenVsFocus(window=30, min_obs=10)
    assert_allclose(model.premium(data).to_numpy(), premia(3.0))


def test_stale_di_quote_leaves_the_book_flat():
    data = frame(premia(3.0))
    data.loc[data.index[-10:], DI] = np.nan  # last DI 14 days before AS_OF
    data.loc[data.index[-10:], BREAKEVEN] = 4.0 + 3.0
    sig = BreakevenVsFocus(window=30, min_obs=10).signal(data, AS_OF)
    assert all(e.exposure == 0.0 for e in sig.exposures)
    assert sig.diagnostics["stale"] == [DI]


def test_no_look_ahead():
    data = frame(premia(3.0))
    model = BreakevenVsFocus(window=30, min_obs=10)
    before = model.signal(data, AS_OF)
    later = pd.bdate_range(AS_OF, periods=6)[1:]
    extra = pd.DataFrame({DI: 30.0, REAL: 1.0, BREAKEVEN: 20.0, FOCUS: 9.0}, index=later)
    after = model.signal(pd.concat([data, extra]), AS_OF)
    assert before == after


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": 1}, "min_obs <= window"),
        ({"min_obs": 40, "window": 30}, "min_obs <= window"),
        ({"entry_z": 2.0, "full_z": 2.0}, "entry_z < full_z"),
        ({"entry_z": -0.1}, "entry_z < full_z"),
        ({"stop_sigmas": 0.0}, "must be > 0"),
        ({"max_quote_age_days": -1}, "max_quote_age_days"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BreakevenVsFocus(**kwargs).signal(frame(premia(3.0)), AS_OF)


def test_too_few_observations_raise():
    with pytest.raises(ValueError, match="5 premium observations, need 20"):
        BreakevenVsFocus().signal(frame(premia(3.0, n=5)), AS_OF)
