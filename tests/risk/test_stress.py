"""Stress scenarios: the scenario data, replays over windows, fallbacks and P&L."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from macro_models.risk.stress import (
    HISTORICAL,
    HYPOTHETICAL,
    SCENARIOS,
    historical_shocks,
    replay,
    stress_pnl,
    yield_shock_to_return,
)

INSTRUMENTS = {"DI1", "NTNB", "USDBRL", "IND", "ES", "ZN", "LTN", "DAP", "DOL"}


def test_yield_shock_to_return() -> None:
    assert_allclose(yield_shock_to_return(100.0, 5.0), -0.05, rtol=1e-15)
    assert_allclose(yield_shock_to_return(-25.0, 8.0), 0.02, rtol=1e-15)


def test_scenario_data() -> None:
    windows = {name: s.window for name, s in HISTORICAL.items()}
    assert windows == {
        "taper_tantrum_2013": (date(2013, 5, 22), date(2013, 9, 5)),
        "brazil_downgrade_2015": (date(2015, 8, 31), date(2015, 9, 30)),
        "truckers_strike_2018": (date(2018, 5, 21), date(2018, 6, 8)),
        "covid_2020": (date(2020, 2, 20), date(2020, 3, 23)),
        "hiking_cycle_2022": (date(2022, 1, 3), date(2022, 6, 30)),
    }
    for scenario in SCENARIOS.values():
        assert set(scenario.shocks) == INSTRUMENTS, scenario.name
        assert scenario.description
    assert all(s.kind == "hypothetical" and s.window is None for s in HYPOTHETICAL.values())
    crisis = HYPOTHETICAL["br_fiscal_crisis"].shocks
    # DI1 +400bp at duration 0.9: a payer (DI1 +1) gains 3.6 %; NTN-B real +250bp at 4.7
    # loses the bond holder 11.75 %.
    assert_allclose([crisis["DI1"], crisis["NTNB"]], [0.036, -0.1175], rtol=1e-12)
    assert crisis["USDBRL"] == crisis["DOL"] == 0.25 and crisis["IND"] == -0.30
    assert HYPOTHETICAL["global_risk_off"].shocks["ES"] == -0.20


def test_historical_shocks_compound_and_fall_back() -> None:
    index = pd.to_datetime(["2020-02-19", "2020-02-20", "2020-02-21", "2020-03-23", "2020-03-24"])
    returns = pd.DataFrame(
        {
            "IND": [0.5, -0.10, 0.05, -0.02, 0.5],  # the 0.5 days are outside the window
            "NTNB": [0.01, np.nan, np.nan, np.nan, 0.01],
            "ZN": [np.nan, 0.01, np.nan, 0.02, np.nan],
        },
        index=index,
    )
    out = historical_shocks(
        returns, (date(2020, 2, 20), date(2020, 3, 23)), {"NTNB": -0.1, "ES": -0.34}
    )
    assert_allclose(out.shocks["IND"], 0.9 * 1.05 * 0.98 - 1.0, rtol=1e-12)
    assert_allclose(out.shocks["ZN"], 1.01 * 1.02 - 1.0, rtol=1e-12)
    assert out.shocks["NTNB"] == -0.1 and out.shocks["ES"] == -0.34
    assert out.source == {"IND": "data", "NTNB": "hand_set", "ZN": "data", "ES": "hand_set"}
    bare = historical_shocks(returns[["NTNB"]], (date(2020, 2, 20), date(2020, 3, 23)))
    assert np.isnan(bare.shocks["NTNB"]) and bare.source == {"NTNB": "missing"}


def test_replay_uses_the_scenario_window_and_hand_set_shocks() -> None:
    index = pd.bdate_range("2020-01-01", "2020-04-30")
    returns = pd.DataFrame({"IND": 0.0, "ES": 0.0}, index=index)
    returns.loc["2020-03-02", "IND"] = -0.2
    out = replay(returns, SCENARIOS["covid_2020"])
    assert out.shocks["IND"] == pytest.approx(-0.2, rel=1e-12)
    assert out.source["DI1"] == "hand_set"
    assert out.shocks["USDBRL"] == SCENARIOS["covid_2020"].shocks["USDBRL"]
    with pytest.raises(ValueError, match="'global_risk_off' has no window"):
        replay(returns, SCENARIOS["global_risk_off"])


def test_stress_pnl() -> None:
    w = pd.Series({"USDBRL": 10e6, "IND": -4e6, "DI1": 20e6})
    pnl = stress_pnl(w, SCENARIOS["br_fiscal_crisis"].shocks)
    # 10m * 0.25 = 2.5m; -4m * -0.30 = 1.2m; a 20m DI1 payer * 0.036 = 0.72m.
    expected = pd.Series({"USDBRL": 2.5e6, "IND": 1.2e6, "DI1": 0.72e6, "total": 4.42e6})
    pd.testing.assert_series_equal(pnl, expected.rename("pnl"), rtol=1e-12)
    with pytest.raises(ValueError, match=r"no shock for positions: \['CDS'\]"):
        stress_pnl(pd.Series({"CDS": 1.0, "IND": 1.0}), {"IND": -0.1})
