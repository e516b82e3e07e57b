"""Backtests: every strategy over 10 years, and the VaR backtest of a book over 2016-2023.

Uses the real data in ../shared/data when present (10 years 2014-2023), else the project's
sample (2015-2024); the database is the one benchmarks/analytics.py builds
(macro_bench_analytics), reused when its gold layer exists. Prints the seconds of the point-in-time
backtest of all twelve strategies with their variants (weekly signals, 36 trials) and the book's
metrics, then a rolling VaR backtest (Kupiec and Christoffersen) of a fixed risk-balanced book.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["MACRO_DB_NAME"] = "macro_bench_analytics"

import numpy as np  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from macro_models.config import REPO_ROOT  # noqa: E402

SHARED = REPO_ROOT.parent / "shared" / "data"


def database() -> tuple[str, str]:
    from macro_models.db.embedded import EmbeddedPostgres

    pg = EmbeddedPostgres.from_settings()
    pg.start()
    url = pg.url("macro_bench_analytics")
    label = "real data (../shared/data)" if SHARED.is_dir() else "sample data"
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1 from gold.fct_business_day_panel limit 1"))
        engine.dispose()
        return url, label
    except Exception:  # noqa: BLE001 - absent database or gold: build it
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from analytics import build

        return build()


def backtest_all(engine, label: str, start: date, end: date) -> None:
    from macro_models.backtest.run import run_backtest
    from macro_models.strategies.registry import STRATEGIES

    t0 = time.perf_counter()
    report = run_backtest(engine, list(STRATEGIES), start, end, rebalance_every=5)
    seconds = time.perf_counter() - t0
    k = report.metrics
    print(
        f"{label}: {len(STRATEGIES)} strategies backtested {start}..{end} "
        f"({k['n_days']} sessions, weekly signals, {k['n_trials']} trials): {seconds:.1f} s"
    )
    for sid, run in report.strategies.items():
        r = run.simulation.returns
        sd = r.std()
        sharpe = r.mean() / sd * np.sqrt(252) if sd > 0 else float("nan")
        active = (run.exposures != 0).any(axis=1).mean()
        print(f"  {sid:<30} Sharpe {sharpe:+.2f}  signal on {active:.0%} of dates")
    print(
        f"  book: return {k['ann_return']:+.2%}/y, vol {k['ann_vol']:.2%}, Sharpe "
        f"{k['sharpe']:.2f}, max DD {k['max_drawdown']:.2%}, PSR {k['psr']:.2f}, "
        f"DSR {k.get('dsr', float('nan')):.2f}, costs {k['costs_ann']:.2%}/y"
    )


def var_backtest(engine, label: str, start: date, end: date) -> None:
    from macro_models.backtest.market import load_returns
    from macro_models.risk.var_backtest import rolling_var_backtest

    returns = load_returns(engine, date(start.year - 2, 1, 1), end, as_of=end).returns
    # The instruments with returns on (nearly) every session: real IND ends in 2021, the
    # sample's DI1 and NTN-B curves cover 2024 only.
    book = [c for c in returns if returns[c].notna().mean() > 0.95]
    r = returns[book]
    # A fixed book: 10 % annual vol split equally, sized on the first two years' vols.
    sigma = r.loc[: str(start.year - 1)].std() * np.sqrt(252)
    w = 1e9 * 0.10 / np.sqrt(len(book)) / sigma
    print(f"{label}: VaR book {', '.join(f'{c} {x / 1e9:.2f}' for c, x in w.items())} x NAV")
    for method, step in (("historical", 1), ("parametric", 1), ("monte_carlo", 1)):
        for alpha in (0.95, 0.99):
            t0 = time.perf_counter()
            frame, s = rolling_var_backtest(
                r, w.to_numpy(), window=500, alpha=alpha, method=method, step=step
            )
            frame = frame.loc[str(start) :]
            print(
                f"{label}: VaR backtest {method} {alpha:.0%} {frame.index[0].date()}.."
                f"{frame.index[-1].date()}: {int(s['exceptions'])} exceptions in {int(s['n'])} "
                f"days (expected {s['expected']:.1f}), Kupiec p {s['kupiec_p']:.3f}, "
                f"Christoffersen p {s['christoffersen_p']:.3f} "
                f"[{time.perf_counter() - t0:.1f} s]"
            )


def main() -> None:
    url, label = database()
    engine = create_engine(url)
    real = SHARED.is_dir()
    first, last = (date(2014, 1, 2), date(2023, 12, 28)) if real else (
        date(2015, 1, 2), date(2024, 12, 30))  # fmt: skip
    backtest_all(engine, label, first, last)
    var_backtest(engine, label, date(2016, 1, 1), last)
    engine.dispose()


if __name__ == "__main__":
    main()
