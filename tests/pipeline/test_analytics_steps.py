"""The analytics steps of the daily cycle on the sample gold database: agents, strategies and
signals for two consecutive dates, persisted and read back, and the run-daily plan."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from macro_models.agents.registry import AGENTS
from macro_models.strategies.registry import STRATEGIES

pytestmark = pytest.mark.slow
DAYS = (date(2024, 12, 26), date(2024, 12, 27))


@pytest.fixture(scope="module")
def ran(gold_engine) -> dict[date, dict[str, str]]:
    from macro_models.pipeline import steps

    return {
        d: {
            name: getattr(steps, name)(gold_engine, d)
            for name in ("agents", "strategies", "signals")
        }
        for d in DAYS
    }


def test_registries_hold_five_agents_and_at_least_twelve_strategies() -> None:
    assert set(AGENTS) == {
        "inflation",
        "monetary_policy",
        "fiscal",
        "fx_equilibrium",
        "cross_asset",
    }
    assert len(STRATEGIES) >= 12
    classes = {cls.asset_class for cls in STRATEGIES.values()}
    assert {"fx", "rates", "inflation", "cross_asset", "event"} <= classes


def test_every_agent_and_strategy_reports_on_the_sample(ran, gold_engine) -> None:
    assert ran[DAYS[1]]["agents"].startswith("5 reports")
    assert ran[DAYS[1]]["strategies"].startswith(f"{len(STRATEGIES)} strategies signalled")
    with gold_engine.connect() as conn:
        agents = set(
            conn.execute(
                text("select agent_id from analytics.agent_reports where as_of_date = :d"),
                {"d": DAYS[1]},
            ).scalars()
        )
        strategies = set(
            conn.execute(
                text("select strategy_id from analytics.strategy_signals where as_of_date = :d"),
                {"d": DAYS[1]},
            ).scalars()
        )
    assert agents == set(AGENTS)
    assert strategies == set(STRATEGIES)


def test_signals_are_bounded_per_method_and_monitored(ran, gold_engine) -> None:
    with gold_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select method, instrument_id, exposure, n_votes from analytics.signals "
                "where as_of_date = :d"
            ),
            {"d": DAYS[1]},
        ).all()
        alerts = (
            conn.execute(
                text("select kind from analytics.signal_alerts where as_of_date = :d"),
                {"d": DAYS[1]},
            )
            .scalars()
            .all()
        )
    assert {r.method for r in rows} == {"confidence_weighted", "rank", "bayesian"}
    assert all(-1 <= r.exposure <= 1 for r in rows)
    assert {r.instrument_id for r in rows} >= {"DI1", "USDBRL"}
    detail = ran[DAYS[1]]["signals"]
    assert detail.startswith("book ") and f"{len(alerts)} alerts" in detail


def test_rerunning_a_date_replaces_its_rows(ran, gold_engine) -> None:
    from macro_models.pipeline import steps

    def count() -> int:
        with gold_engine.connect() as conn:
            return conn.execute(
                text("select count(*) from analytics.signals where as_of_date = :d"),
                {"d": DAYS[1]},
            ).scalar()

    before = count()
    steps.signals(gold_engine, DAYS[1])
    assert count() == before


def test_run_daily_dry_run_names_every_step() -> None:
    macro = str(Path(sys.executable).with_name("macro"))
    proc = subprocess.run(
        [macro, "run-daily", "--date", "2024-12-27", "--dry-run"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    names = [line.split()[0] for line in proc.stdout.splitlines() if line.strip()]
    assert names == ["ingest", "transform", "agents", "strategies", "signals", "portfolio", "risk"]
