"""Agents and strategies: one daily run, and every month end of a full history.

Uses the real data in ../shared/data when present (loaded with the CSV loader, gold built by
dbt), else the project's sample. Prints the seconds of one daily run of all five agents and the
twelve strategies with aggregation, and of a history run over every month end 2012-2023 (sample:
2016-2024). Database: macro_bench_analytics on the embedded server.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["MACRO_DB_NAME"] = "macro_bench_analytics"

import pandas as pd  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from macro_models.config import REPO_ROOT, get_settings  # noqa: E402
from macro_models.db.embedded import EmbeddedPostgres  # noqa: E402
from macro_models.db.migrate import migrate  # noqa: E402
from macro_models.dbt_runner import run_dbt  # noqa: E402

SHARED = REPO_ROOT.parent / "shared" / "data"


def build() -> tuple[str, str]:
    pg = EmbeddedPostgres.from_settings()
    pg.start()
    admin = pg.url("postgres").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('drop database if exists "macro_bench_analytics" with (force)')
        conn.execute('create database "macro_bench_analytics"')
    url = pg.url("macro_bench_analytics")
    migrate(url)
    engine = create_engine(url)
    if SHARED.is_dir():
        from macro_models.catalog import load_catalog
        from macro_models.connectors.ingest import ingest_csv_file
        from macro_models.connectors.registry import LONG_CSV_LOADERS

        known = set(load_catalog()) | set(LONG_CSV_LOADERS)
        for path in sorted(SHARED.glob("*__*.csv")):
            if path.stem in known:
                LONG_CSV_LOADERS.get(path.stem, ingest_csv_file)(engine, path)
        label = "real data (../shared/data)"
    else:
        from macro_models.connectors import sample
        from macro_models.connectors.ingest import ingest_all, make_client, sample_starts

        with tempfile.TemporaryDirectory() as folder:
            sample.write_sample(Path(folder))
            with make_client(get_settings(), Path(folder)) as client:
                start, end = sample.DEFAULT_START, sample.DEFAULT_END
                ingest_all(engine, start, end, client, None, sample_starts(start, end))
        label = "sample data"
    engine.dispose()
    proc = run_dbt(["build", "--quiet"], url=url, capture=True)
    if proc.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{proc.stdout[-2000:]}")
    return url, label


def main() -> None:
    from macro_models.agents.registry import run_agents
    from macro_models.pipeline import steps
    from macro_models.strategies.runner import run_strategies

    url, label = build()
    engine = create_engine(url)
    real = SHARED.is_dir()
    day = date(2023, 12, 29) if real else date(2024, 12, 27)
    steps.agents(engine, day)  # imports and first connections out of the timing
    t0 = time.perf_counter()
    for name in ("agents", "strategies", "signals"):
        getattr(steps, name)(engine, day)
    print(f"{label}: one daily run ({day}), 5 agents + 12 strategies + signals: "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

    first, last = ("2012-01-01", "2023-12-31") if real else ("2016-01-01", "2024-11-30")
    month_ends = [d.date() for d in pd.date_range(first, last, freq="BME")]
    t0 = time.perf_counter()
    reports = signals = 0
    for d in month_ends:
        reports += len(run_agents(engine, d).reports)
        signals += len(run_strategies(engine, d).signals)
    seconds = time.perf_counter() - t0
    print(
        f"{label}: history over {len(month_ends)} month ends {first[:4]}-{last[:4]}: "
        f"{seconds:.1f} s ({reports} agent reports, {signals} strategy signals; "
        f"{seconds / len(month_ends):.2f} s per date)"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
