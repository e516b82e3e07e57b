"""The inflation, cross-asset and event strategies on the real data, month ends 2012–2023.

Each strategy runs through the point-in-time loader as the runner calls it. Where its inputs
are missing (DI1 is only in the real set for 2021–22, Yahoo prices stop in December 2021,
Focus IPCA 12m in November 2022) the loader or the strategy raises ValueError: those dates are
recorded, not failures. The calendars are checked against the decisions visible in the data.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import inspect, text

from macro_models.calendars import add_business_days
from macro_models.pit import PointInTimeLoader
from macro_models.pit.columns import FAMILIES, split_column
from macro_models.strategies.calendars import COPOM_DECISIONS, FOMC_SCHEDULED, FOMC_UNSCHEDULED
from macro_models.strategies.cross_asset_regime_allocation import RegimeAllocation
from macro_models.strategies.cross_asset_risk_appetite import RiskAppetite
from macro_models.strategies.event_copom import CopomEvent
from macro_models.strategies.event_fomc import FomcEvent
from macro_models.strategies.inflation_breakeven_vs_focus import BreakevenVsFocus
from macro_models.strategies.inflation_carry_ntnb import NtnbInflationCarry

pytestmark = pytest.mark.slow

MONTH_ENDS = [d.date() for d in pd.date_range("2012-01-31", "2023-12-31", freq="ME")]
STRATEGIES = [
    BreakevenVsFocus,
    NtnbInflationCarry,
    RegimeAllocation,
    RiskAppetite,
    CopomEvent,
    FomcEvent,
]
# Month ends each strategy must manage at least (its inputs exist in the real set then).
MIN_RUNS = {
    "inflation_breakeven_vs_focus": 20,  # DI1 2021–22
    "inflation_carry_ntnb": 110,  # IPCA 3m SAAR needs seasonal factors: from 2014
    "cross_asset_regime_allocation": 10,  # DI1 2021–22 and Yahoo to 2021
    "cross_asset_risk_appetite": 125,  # Yahoo IBOV/S&P end in December 2021 (+ a year of panel)
    "event_copom": 20,  # DI1 2021–22
    "event_fomc": 144,
}


def run_all(engine, cls) -> tuple[dict, dict]:
    tables = set(inspect(engine).get_table_names(schema="gold"))
    absent = {FAMILIES[split_column(c)[0]].table for c in cls.columns} - {
        f"gold.{t}" for t in tables
    }
    if absent:
        pytest.skip(f"{cls.strategy_id}: {', '.join(sorted(absent))} not built in this database")
    loader, strategy = PointInTimeLoader(engine), cls()
    signals, skipped = {}, {}
    for d in MONTH_ENDS:
        try:
            frame = loader.load(strategy.columns, d - timedelta(days=strategy.lookback_days), d, d)
            signals[d] = strategy.signal(frame, d)
        except ValueError as exc:
            skipped[d] = str(exc)
    return signals, skipped


@pytest.mark.parametrize("cls", STRATEGIES, ids=[c.strategy_id for c in STRATEGIES])
def test_runs_on_month_ends_within_bounds(real_gold_engine, cls):
    signals, skipped = run_all(real_gold_engine, cls)
    assert len(signals) + len(skipped) == len(MONTH_ENDS)
    assert len(signals) >= MIN_RUNS[cls.strategy_id], sorted(skipped.items())[:3]
    for d, sig in signals.items():
        assert sig.strategy_id == cls.strategy_id and sig.as_of_date == d and sig.rationale
        json.dumps(sig.to_json(), allow_nan=False)  # storable as JSON
        for e in sig.exposures:
            assert -1.0 <= e.exposure <= 1.0
            assert np.isfinite([e.zscore, e.entry, e.stop, e.take_profit]).all(), (d, e)
            if e.exposure != 0:
                # The stop and the take-profit lie on opposite sides of the entry.
                assert (e.stop - e.entry) * (e.take_profit - e.entry) <= 0, (d, e)


def test_risk_appetite_in_known_episodes(real_gold_engine):
    signals, _ = run_all(real_gold_engine, RiskAppetite)
    covid = signals[date(2020, 3, 31)]
    assert covid.diagnostics["risk_appetite"] < -1.0
    ind = {e.instrument_id: e.exposure for e in covid.exposures}
    assert ind["IND"] < 0 and ind["USDBRL"] > 0
    assert signals[date(2015, 9, 30)].diagnostics["risk_appetite"] < 0  # BRL crisis, China
    assert signals[date(2021, 6, 30)].diagnostics["risk_appetite"] > 0  # reopening rally


def test_event_strategies_position_only_before_meetings(real_gold_engine):
    for cls in (CopomEvent, FomcEvent):
        signals, _ = run_all(real_gold_engine, cls)
        for sig in signals.values():
            on = any(e.exposure != 0 for e in sig.exposures)
            if on:
                assert 1 <= sig.diagnostics["sessions_to_event"] <= 5


def test_every_selic_target_change_follows_a_listed_copom_decision(real_gold_engine):
    with real_gold_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select distinct on (observation_date) observation_date, value "
                "from gold.fct_observations where series_id = 'bcb_sgs__432' "
                "and observation_date between '2012-01-01' and '2023-12-31' "
                "order by observation_date, known_at desc"
            )
        ).all()
    selic = pd.Series([r.value for r in rows], index=[r.observation_date for r in rows])
    changes = selic[selic.diff().fillna(0) != 0]
    assert len(changes) == 60
    # The new target is in force from the day after the decision: SGS 432 dates it the next
    # calendar day (even a B3 holiday, Corpus Christi 2013-05-30) or the next session (after
    # Independence Day, 2017-09-08).
    after = {d + timedelta(days=1) for d in COPOM_DECISIONS}
    after |= {add_business_days(d, 1, "B3") for d in COPOM_DECISIONS}
    assert set(changes.index) <= after
    assert float(changes[date(2020, 8, 6)]) == 2.0  # COPOM 2020-08-05: cut to 2 %


def test_every_large_fed_funds_move_follows_a_listed_fomc_decision(real_gold_engine):
    with real_gold_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select distinct on (observation_date) observation_date, value "
                "from gold.fct_observations where series_id = 'fred__DFF' "
                "and observation_date between '2012-01-01' and '2023-12-31' "
                "order by observation_date, known_at desc"
            )
        ).all()
    dff = pd.Series([float(r.value) for r in rows], index=[r.observation_date for r in rows])
    moves = dff[dff.diff().abs() >= 0.2].index
    decisions = set(FOMC_SCHEDULED) | set(FOMC_UNSCHEDULED)
    assert len(moves) >= 15
    for d in moves:
        assert any(0 < (d - x).days <= 3 for x in decisions), d
    assert date(2020, 3, 16) in moves  # the Sunday cut of 2020-03-15
