"""The portfolio and risk steps on the sample gold database: targets and the risk report for
2024-12-27 persisted and read back, limits respected, risk measures coherent, re-runs
replace, and the risk window point in time (the sample has a session after the date)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sqlalchemy import text

from macro_models.portfolio.daily import DEFAULT_LIMITS, DEFAULT_NAV
from macro_models.risk.stress import SCENARIOS

pytestmark = pytest.mark.slow
DAY = date(2024, 12, 27)
LATER = date(2024, 12, 30)  # a B3 session of the sample after DAY
TOL = 1e-9


@pytest.fixture(scope="module")
def ran(gold_engine) -> dict[str, str]:
    from macro_models.pipeline import steps

    names = ("agents", "strategies", "signals", "portfolio", "risk")
    return {name: getattr(steps, name)(gold_engine, DAY) for name in names}


def _targets(engine):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "select instrument_id, method, exposure, weight, notional_brl, dv01_brl "
                "from analytics.portfolio_targets where as_of_date = :d"
            ),
            {"d": DAY},
        ).all()


def _risk_row(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("select * from analytics.risk_reports where as_of_date = :d"), {"d": DAY}
        ).one()


def test_steps_describe_the_book_and_its_risk(ran) -> None:
    assert ran["portfolio"].startswith("black_litterman: ")
    assert "positions, gross" in ran["portfolio"] and "ex-ante vol" in ran["portfolio"]
    assert ran["risk"].startswith("VaR99 R$ ") and "ES99 R$ " in ran["risk"]


def test_targets_are_persisted_and_respect_the_limits(ran, gold_engine) -> None:
    rows = _targets(gold_engine)
    assert {r.instrument_id for r in rows} >= {"DI1", "USDBRL"}
    assert {r.method for r in rows} == {"black_litterman"}
    assert all(-1 <= r.exposure <= 1 for r in rows)
    for r in rows:
        assert_allclose(r.notional_brl, r.weight * DEFAULT_NAV, rtol=TOL)
    net_dv01 = abs(sum(r.dv01_brl for r in rows))
    gross = sum(abs(r.weight) for r in rows)
    assert DEFAULT_LIMITS.dv01_budget_brl is not None and DEFAULT_LIMITS.total_gross is not None
    assert net_dv01 <= DEFAULT_LIMITS.dv01_budget_brl * (1 + 1e-6)
    assert 0 < gross <= DEFAULT_LIMITS.total_gross * (1 + 1e-6)
    # DI1 +1 pays the rate: its DV01 has the opposite sign of its weight.
    di1 = next(r for r in rows if r.instrument_id == "DI1")
    assert di1.weight == 0 or np.sign(di1.dv01_brl) == -np.sign(di1.weight)


def test_risk_report_row_matches_its_json(ran, gold_engine) -> None:
    row = _risk_row(gold_engine)
    hist = row.report["var_es"]["historical"]
    assert_allclose(row.var_95_brl, hist["0.95"]["var"], rtol=TOL)
    assert_allclose(row.var_99_brl, hist["0.99"]["var"], rtol=TOL)
    assert_allclose(row.es_99_brl, hist["0.99"]["es"], rtol=TOL)
    assert_allclose(row.nav_brl, DEFAULT_NAV, rtol=TOL)
    statuses = [c["status"] for c in row.report["limits"]]
    assert row.breaches == statuses.count("breach")
    assert row.warnings == statuses.count("warning")
    assert 0 <= row.report["circuit_breaker"] <= 1
    json.dumps(row.report, allow_nan=False)  # stored JSON has no NaN


def test_var_and_es_are_ordered_for_every_method(ran, gold_engine) -> None:
    table = _risk_row(gold_engine).report["var_es"]
    assert set(table) == {"historical", "parametric", "monte_carlo"}
    for method, by_alpha in table.items():
        v95, v99 = by_alpha["0.95"], by_alpha["0.99"]
        assert v99["var"] >= v95["var"] > 0, method
        assert v95["es"] >= v95["var"] and v99["es"] >= v99["var"], method


def test_components_add_up_to_the_total(ran, gold_engine) -> None:
    report = _risk_row(gold_engine).report
    table = report["var_es"]
    for method in ("parametric", "historical"):
        total = table[method]["0.99"]["var"]
        by_position = sum(c[method] for c in report["components"].values())
        by_class = sum(c[method] for c in report["by_asset_class"].values())
        assert_allclose(by_position, total, rtol=1e-9)
        assert_allclose(by_class, total, rtol=1e-9)
    assert_allclose(sum(report["by_strategy"].values()), table["parametric"]["0.99"]["var"])


def test_every_stress_scenario_is_reported(ran, gold_engine) -> None:
    report = _risk_row(gold_engine).report
    assert set(report["stress"]) == set(SCENARIOS)
    for name, s in report["stress"].items():
        assert set(s["source"]) == set(report["positions"]), name
        assert_allclose(s["pnl_brl"], sum(s["by_position"].values()), rtol=1e-9)
        assert set(s["source"].values()) <= {"data", "hand_set", "hypothetical"}
    assert report["worst_stress"] == min(
        report["stress"], key=lambda k: report["stress"][k]["pnl_brl"]
    )
    # The sample starts in 2014: the 2013 replay has no data and falls back to hand-set shocks.
    assert set(report["stress"]["taper_tantrum_2013"]["source"].values()) == {"hand_set"}
    assert report["reverse_stress"]["distance_sd_1d"] > report["reverse_stress"]["distance_sd_10d"]
    assert {"kupiec_p", "christoffersen_p"} <= set(report["var_backtest"])


def test_rerunning_the_steps_replaces_the_rows(ran, gold_engine) -> None:
    from macro_models.pipeline import steps

    def counts() -> tuple[int, int]:
        with gold_engine.connect() as conn:
            return tuple(
                conn.execute(
                    text(f"select count(*) from {t} where as_of_date = :d"), {"d": DAY}
                ).scalar_one()
                for t in ("analytics.portfolio_targets", "analytics.risk_reports")
            )

    before = counts()
    steps.portfolio(gold_engine, DAY)
    steps.risk(gold_engine, DAY)
    assert counts() == before and before[1] == 1


def test_risk_is_point_in_time(ran, gold_engine) -> None:
    from macro_models.backtest.market import load_returns
    from macro_models.risk.daily import VAR_YEARS
    from macro_models.risk.var import historical_var

    report = _risk_row(gold_engine).report
    later = load_returns(gold_engine, DAY, LATER, as_of=LATER).returns
    assert later.index.max().date() == LATER  # a return after DAY exists in gold
    assert date.fromisoformat(report["window"]["end"]) <= DAY
    assert date.fromisoformat(report["var_backtest"]["last"]) <= DAY
    # The headline VaR is reproduced from the returns loaded explicitly as of DAY.
    w = report["positions"]
    start = DAY - timedelta(days=int(365.25 * VAR_YEARS))
    window = load_returns(gold_engine, start, DAY, as_of=DAY).returns[list(w)].dropna()
    pnl = window.to_numpy() @ np.array(list(w.values()))
    assert_allclose(historical_var(pnl, 0.99), report["var_es"]["historical"]["0.99"]["var"])


def test_a_date_without_signals_is_a_message(gold_engine) -> None:
    from macro_models.pipeline import steps
    from macro_models.portfolio.daily import run_portfolio

    with pytest.raises(ValueError, match="no confidence_weighted signals for 2020-01-02"):
        run_portfolio(gold_engine, date(2020, 1, 2))
    assert steps.portfolio(gold_engine, date(2020, 1, 2)).startswith("no book: ")
    assert steps.risk(gold_engine, date(2020, 1, 2)).startswith("no risk report: ")
