"""Backtests from the sample gold database: point-in-time signals (a spy strategy), the book of
all strategies, persistence and the `macro backtest` command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from macro_models.backtest.run import run_backtest, save_run
from macro_models.catalog import get_series
from macro_models.pit import as_of_cutoff
from macro_models.strategies.base import StrategySignal, TargetExposure

pytestmark = pytest.mark.slow
START, END = date(2024, 1, 2), date(2024, 12, 30)
IPCA = "bcb_sgs__433"


class Spy:
    """Records what it was shown; longs USDBRL in even ISO weeks, shorts it in odd ones."""

    strategy_id = "spy"
    asset_class = "fx"
    columns: ClassVar[tuple[str, ...]] = ("panel:bcb_sgs__1", IPCA)
    lookback_days = 120
    seen: ClassVar[list[tuple[date, pd.DataFrame]]] = []

    def signal(self, data: pd.DataFrame, as_of: date) -> StrategySignal:
        Spy.seen.append((as_of, data))
        x = 1.0 if as_of.isocalendar().week % 2 == 0 else -1.0
        leg = TargetExposure("USDBRL", x, x, 5, 4, 6)
        return StrategySignal(self.strategy_id, as_of, [leg], "")


@pytest.fixture(scope="module")
def spied(gold_engine):
    with pytest.MonkeyPatch.context() as mp:
        from macro_models.strategies import registry

        mp.setitem(registry.STRATEGIES, "spy", Spy)
        Spy.seen.clear()
        report = run_backtest(gold_engine, ["spy"], START, END, rebalance_every=5)
    return report, list(Spy.seen)


def test_signals_see_only_what_was_known_at_their_close(spied) -> None:
    report, seen = spied
    assert len(seen) == report.params["signal_dates"] > 45
    for as_of, frame in seen:
        cutoff = as_of_cutoff(as_of)
        assert frame.index.max() <= pd.Timestamp(as_of)
        assert all(k < cutoff for k in frame.attrs["known_at"].values())
        # The newest IPCA month shown was released by then, and the next one was not.
        newest = frame[IPCA].dropna().index.max().date()
        assert get_series(IPCA).known_at(newest) < cutoff
        following = (pd.Timestamp(newest) + pd.offsets.MonthBegin(1)).date()
        assert get_series(IPCA).known_at(following) >= cutoff


def test_positions_for_day_d_come_from_the_signal_of_an_earlier_close(spied) -> None:
    report, seen = spied
    signal_dates = pd.DatetimeIndex([d for d, _ in seen])
    w = report.simulation.weights["USDBRL"]
    for day, weight in w.items():
        before = signal_dates[signal_dates < day]
        if before.empty:
            assert weight == 0
            continue
        s = before[-1]
        expected = 1.0 if s.isocalendar().week % 2 == 0 else -1.0
        assert np.sign(weight) == expected, (day, s)
    # Signal dates are sessions, and none is the first session of the window's P&L.
    assert w.loc[: signal_dates[0]].eq(0).all()


def test_the_book_of_all_strategies_is_measured_attributed_and_saved(gold_engine) -> None:
    from macro_models.strategies.registry import STRATEGIES

    report = run_backtest(gold_engine, list(STRATEGIES), START, END, rebalance_every=10)
    k = report.metrics
    assert k["n_trials"] == 3 * len(STRATEGIES)
    assert 0 <= k["dsr"] <= k["psr"] <= 1  # deflating by 36 trials can only lower it
    assert k["n_days"] == len(report.returns) > 240
    attribution = report.attribution
    assert set(STRATEGIES) | {"costs"} == set(attribution.index)
    gross = report.simulation.gross.mean() * 252
    assert attribution["contribution_ann"].drop("costs").sum() == pytest.approx(gross, rel=1e-9)
    assert attribution.loc["costs", "contribution_ann"] < 0
    traded = [s for s, r in report.strategies.items() if (r.exposures != 0).any().any()]
    assert len(traded) >= 10, report.strategies.keys()
    assert report.html.count("<svg") >= 4
    assert k["max_abs_dv01_per_mm"] >= k["mean_abs_dv01_per_mm"] > 0  # DI1 and NTN-B traded
    run_id = save_run(gold_engine, report)
    with gold_engine.connect() as conn:
        row = conn.execute(
            text(
                "select strategy_id, metrics, daily from analytics.backtest_runs where run_id = :i"
            ),
            {"i": run_id},
        ).one()
    assert row.strategy_id == "all"
    assert row.metrics["n_trials"] == 36
    assert len(row.daily["dates"]) == len(row.daily["return"]) == k["n_days"]


def test_macro_backtest_prints_saves_and_writes_the_tearsheet(gold_url, tmp_path) -> None:
    out = tmp_path / "sheet.html"
    env = {**os.environ, "MACRO_DATABASE_URL": gold_url}
    cmd = [sys.executable, "-m", "macro_models.cli", "backtest", "--strategy"]
    window = ["--start", "2023-01-02", "--end", "2024-12-30", "--out", str(out)]
    proc = subprocess.run(
        [*cmd, "fx_carry_momentum", *window], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "fx_carry_momentum 2023-01-02..2024-12-30" in proc.stdout
    assert "Sharpe" in proc.stdout and "DSR" in proc.stdout and f"tearsheet {out}" in proc.stdout
    html = Path(out).read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 4
    bad = subprocess.run([*cmd, "nope", *window], env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "unknown strategy 'nope'; known: all, cross_asset" in bad.stderr
