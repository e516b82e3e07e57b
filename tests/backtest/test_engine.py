"""The vectorised engine on hand-built frames: timing (no look-ahead), sizing, costs, caps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.backtest.costs import InstrumentCosts
from macro_models.backtest.engine import EngineConfig, ewma_vol, hold, simulate

SESSIONS = pd.bdate_range("2024-01-01", periods=300, name="date")


def _returns(seed: int = 0, cols=("USDBRL", "IND")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.normal(0, 0.01, (len(SESSIONS), len(cols))), SESSIONS, list(cols))


def _free(**kw) -> EngineConfig:
    costs = {c: InstrumentCosts(0.0, 0.0, 0.1) for c in ("USDBRL", "IND", "DI1")}
    return EngineConfig(costs=costs, **kw)


def test_a_signal_is_held_from_the_session_after_its_date() -> None:
    signals = pd.DataFrame({"A": [1.0, -1.0]}, index=pd.to_datetime(["2024-01-03", "2024-01-05"]))
    held = hold(signals, pd.bdate_range("2024-01-02", "2024-01-09"))
    # Held on D: the latest signal dated strictly before D.
    assert held["A"].tolist() == [0.0, 0.0, 1.0, 1.0, -1.0, -1.0]


def test_perfect_foresight_signals_earn_nothing_extra_when_lagged() -> None:
    r = _returns()[["USDBRL"]]
    # A signal dated s that knows s's own return (known at s's close): it may only trade s+1.
    exposures = np.sign(r)
    sim = simulate(exposures, r, _free(min_history=5))
    w = sim.weights["USDBRL"]
    # Day D's P&L is the weight set from the signal of D−1 times D's return, never D's sign.
    expected_sign = np.sign(r["USDBRL"]).shift(1).fillna(0.0)
    assert (np.sign(w) == expected_sign).loc[w != 0].all()
    assert_allclose(sim.gross, (w * r["USDBRL"]), atol=1e-15)
    # Same-day use of the signal would earn |r| every day; the lagged one earns noise.
    cheat = (np.sign(r["USDBRL"]) * r["USDBRL"]).mean()
    assert sim.gross.mean() < 0.2 * cheat * w.abs().mean()


def test_weights_held_up_to_d_ignore_returns_from_d_on() -> None:
    r = _returns(1)
    exposures = pd.DataFrame(1.0, index=SESSIONS[::5], columns=r.columns)
    base = simulate(exposures, r, _free())
    d = SESSIONS[200]
    shocked = r.copy()
    shocked.loc[d:] *= 10
    after = simulate(exposures, shocked, _free())
    pd.testing.assert_frame_equal(base.weights.loc[:d], after.weights.loc[:d])
    assert not base.weights.loc[d:].iloc[5:].equals(after.weights.loc[d:].iloc[5:])


def test_sizing_is_vol_target_over_ewma_vol_known_at_the_signal() -> None:
    r = _returns(2)
    exposures = pd.DataFrame({"USDBRL": [0.5], "IND": [-1.0]}, index=[SESSIONS[100]])
    cfg = _free(vol_target=0.12)
    sim = simulate(exposures, r, cfg)
    vol = ewma_vol(r, cfg.vol_halflife, cfg.min_history).loc[SESSIONS[100]] * np.sqrt(252)
    held = sim.weights.loc[SESSIONS[101]]
    assert_allclose(held["USDBRL"], 0.5 * 0.12 / vol["USDBRL"] / np.sqrt(2), rtol=1e-12)
    assert_allclose(held["IND"], -1.0 * 0.12 / vol["IND"] / np.sqrt(2), rtol=1e-12)
    assert (sim.weights.loc[: SESSIONS[100]] == 0).all().all()


def test_costs_are_paid_on_trades_only() -> None:
    r = _returns(3)[["USDBRL"]]
    costs = {"USDBRL": InstrumentCosts(cost_bps=2.0, slippage_vol=0.1, margin=0.1)}
    cfg = EngineConfig(costs=costs)
    exposures = pd.DataFrame({"USDBRL": [1.0, 1.0, 0.0]}, index=SESSIONS[[100, 150, 200]])
    sim = simulate(exposures, r, cfg)
    w = sim.weights["USDBRL"]
    sigma_prev = ewma_vol(r, cfg.vol_halflife, cfg.min_history)["USDBRL"].shift(1)
    open_day, close_day = SESSIONS[101], SESSIONS[201]
    assert_allclose(
        sim.costs[open_day], abs(w[open_day]) * (2e-4 + 0.1 * sigma_prev[open_day]), rtol=1e-12
    )
    assert_allclose(
        sim.costs[close_day],
        abs(w[SESSIONS[200]]) * (2e-4 + 0.1 * sigma_prev[close_day]),
        rtol=1e-12,
    )
    # The same exposure re-signalled at 150 trades only the change in its vol scaling.
    assert sim.costs[SESSIONS[151]] < sim.costs[open_day]
    other = sim.costs.drop([open_day, SESSIONS[151], close_day])
    assert (other == 0).all()
    assert_allclose(sim.returns, sim.gross - sim.costs)


def test_leverage_and_margin_caps_scale_the_whole_signal() -> None:
    r = _returns(4) * 0.01  # very quiet markets: vol targeting alone would lever up hugely
    exposures = pd.DataFrame({"USDBRL": [1.0], "IND": [1.0]}, index=[SESSIONS[100]])
    sim = simulate(exposures, r, _free(max_gross=3.0, max_margin=10.0))
    assert_allclose(sim.leverage.iloc[-1], 3.0, rtol=1e-12)
    sim = simulate(exposures, r, _free(max_gross=100.0, max_margin=0.2))
    assert_allclose(sim.margin.iloc[-1], 0.2, rtol=1e-12)  # 10 % margin: gross 2x
    w = sim.weights.iloc[-1]
    assert w["USDBRL"] / w["IND"] == pytest.approx(
        ewma_vol(r, 42, 21).loc[SESSIONS[100], "IND"]
        / ewma_vol(r, 42, 21).loc[SESSIONS[100], "USDBRL"]
    )


@pytest.mark.parametrize(
    ("exposures", "message"),
    [
        pytest.param(
            pd.DataFrame({"XYZ": [1.0]}, index=[SESSIONS[10]]), "no cost model for.*XYZ", id="cost"
        ),
        pytest.param(
            pd.DataFrame({"DI1": [1.0]}, index=[SESSIONS[10]]), "no returns for.*DI1", id="returns"
        ),
        pytest.param(
            pd.DataFrame({"IND": [1.0, 1.0]}, index=SESSIONS[[10, 5]]), "increasing", id="order"
        ),
    ],
)
def test_bad_signals_are_refused(exposures, message) -> None:
    with pytest.raises(ValueError, match=message):
        simulate(exposures, _returns(), _free())


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="vol_target must be positive, got 0"):
        EngineConfig(vol_target=0)
    with pytest.raises(ValueError, match="cost_bps must be >= 0"):
        InstrumentCosts(-1, 0, 0)
