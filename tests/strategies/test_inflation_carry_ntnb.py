"""NTN-B inflation carry on tiny hand-built frames."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.strategies.inflation_carry_ntnb import (
    IPCA_3M,
    NOMINAL,
    REAL,
    NtnbInflationCarry,
    carry_pp,
)

AS_OF = date(2024, 3, 28)


def frame(pi: float, real: float = 6.0, nominal: float = 10.0, n: int = 40) -> pd.DataFrame:
    """Daily curve rows to AS_OF (real yield alternating ±2 bp); monthly IPCA 3m SAAR rows."""
    idx = pd.bdate_range(end=AS_OF, periods=n, name="date")
    wiggle = np.where(np.arange(n) % 2 == 0, 0.02, -0.02)
    curve = pd.DataFrame({REAL: real + wiggle, NOMINAL: nominal}, index=idx)
    curve.iloc[-1, 0] = real
    months = pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="date")
    ipca = pd.DataFrame({IPCA_3M: [1.0, pi]}, index=months)
    return pd.concat([curve, ipca]).sort_index()[[REAL, NOMINAL, IPCA_3M]]


def test_carry_by_hand():
    # 1.06 · 1.05 − 1 = 11.3 %, minus 10 % nominal funding.
    assert_allclose(carry_pp(6.0, 10.0, 5.0), 1.3)


def test_signal_matches_the_hand_formula():
    data = frame(pi=5.0)
    sig = NtnbInflationCarry(vol_window=20, full_z=1.0, horizon_days=63).signal(data, AS_OF)
    (e,) = sig.exposures
    real = data[REAL].dropna().to_numpy()
    sd = np.std(np.diff(real)[-20:], ddof=1)
    z = 1.3 * 63 / 252 / (sd * np.sqrt(63))
    assert_allclose(e.zscore, z)
    assert_allclose(e.exposure, min(z, 1.0))
    assert e.instrument_id == "NTNB" and e.exposure > 0
    move = sd * np.sqrt(63)
    assert_allclose([e.entry, e.stop, e.take_profit], [6.0, 6.0 + 1.5 * move, 6.0 - 2.0 * move])
    assert_allclose(sig.diagnostics["breakeven_pct"], (1.10 / 1.06 - 1) * 100)
    assert sig.diagnostics["ipca_month"] == "2024-02-01"
    assert "long NTNB" in sig.rationale


def test_negative_carry_is_short_the_bond():
    (e,) = NtnbInflationCarry(vol_window=20).signal(frame(pi=1.0), AS_OF).exposures
    assert e.exposure < 0
    assert e.take_profit > e.entry > e.stop  # short bond gains when the real yield rises


def test_small_carry_is_flat():
    # carry = 1.06·1.03774 − 1 − 10 ≈ 0.0: below any entry threshold.
    sig = NtnbInflationCarry(vol_window=20, entry_z=0.25).signal(frame(pi=3.774), AS_OF)
    assert sig.exposures[0].exposure == 0.0


def test_no_look_ahead():
    data = frame(pi=5.0)
    model = NtnbInflationCarry(vol_window=20)
    before = model.signal(data, AS_OF)
    later = pd.DataFrame(
        {REAL: [2.0, 9.0], NOMINAL: [15.0, 3.0], IPCA_3M: [20.0, np.nan]},
        index=pd.DatetimeIndex(["2024-04-01", "2024-04-02"]),
    )
    assert model.signal(pd.concat([data, later]), AS_OF) == before


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"vol_window": 1}, "vol_window"),
        ({"entry_z": 1.0, "full_z": 1.0}, "entry_z < full_z"),
        ({"horizon_days": 0}, "must be > 0"),
        ({"take_profit_sigmas": -1.0}, "must be > 0"),
    ],
)
def test_bad_parameters_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        NtnbInflationCarry(**kwargs).signal(frame(pi=5.0), AS_OF)


def test_missing_inputs_raise():
    data = frame(pi=5.0)
    data[IPCA_3M] = np.nan
    with pytest.raises(ValueError, match="IPCA 3m SAAR"):
        NtnbInflationCarry().signal(data, AS_OF)
