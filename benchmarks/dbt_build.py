"""dbt on 15 years of the whole catalog: full refresh, then the daily incremental build.

Sample data 2010-01-04..2024-12-30 for every catalogued series and every bronze table goes in
through the real connectors; everything up to 2024-12-24 is built with `dbt build
--full-refresh`, then the last sessions are ingested and `dbt build` runs incrementally, as the
daily DAG does. Also prints the slowest models and the DagBag fill time with both Cosmos dbt
task groups rendered. Database: macro_bench_dbt on the embedded server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["MACRO_DB_NAME"] = "macro_bench_dbt"
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")

import psycopg  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from macro_models.config import REPO_ROOT, get_settings  # noqa: E402
from macro_models.connectors import sample  # noqa: E402
from macro_models.connectors.ingest import ingest_all, make_client, sample_starts  # noqa: E402
from macro_models.db.embedded import EmbeddedPostgres  # noqa: E402
from macro_models.db.migrate import migrate  # noqa: E402
from macro_models.dbt_runner import run_dbt  # noqa: E402

START, CUT, END = date(2010, 1, 4), date(2024, 12, 24), date(2024, 12, 30)
DAGBAG_SCRIPT = """
import os, time
t0 = time.perf_counter()
from airflow.dag_processing.dagbag import DagBag
t1 = time.perf_counter()
bag = DagBag(dag_folder=os.environ["DAGS"])
t2 = time.perf_counter()
assert not bag.import_errors, bag.import_errors
dbt = sum(1 for d in bag.dags.values() for t in d.task_ids if t.startswith(("transform.", "dbt.")))
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {len(bag.dags)} {dbt}")
"""


def fresh_database() -> str:
    pg = EmbeddedPostgres.from_settings()
    pg.start()
    admin = pg.url("postgres").replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute('drop database if exists "macro_bench_dbt" with (force)')
        conn.execute('create database "macro_bench_dbt"')
    url = pg.url("macro_bench_dbt")
    migrate(url)
    return url


def timed_dbt(url: str, *args: str) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as target:
        t0 = time.perf_counter()
        proc = run_dbt([*args, "--target-path", target], url=url, capture=True)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"dbt {' '.join(args)} failed:\n{proc.stdout[-3000:]}")
        results = json.loads((Path(target) / "run_results.json").read_text())
    return seconds, results


def slowest(results: dict, n: int = 5) -> str:
    models = [r for r in results["results"] if r["unique_id"].startswith("model.")]
    models.sort(key=lambda r: -r["execution_time"])
    return ", ".join(
        f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f}s" for r in models[:n]
    )


def main() -> None:
    url = fresh_database()
    engine = create_engine(url)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        sample.write_sample(out, START, END)
        with make_client(get_settings(), out) as client:
            t0 = time.perf_counter()
            # Per-source first days of the sample as written (some sources hold a shorter history).
            starts = sample_starts(START, END)
            ingest_all(engine, START, CUT, client, None, starts)
            print(f"ingest {START}..{CUT}: {time.perf_counter() - t0:.1f} s")
            seconds, results = timed_dbt(url, "build", "--full-refresh")
            with engine.connect() as conn:
                counts = {
                    t: conn.execute(text(f"select count(*) from gold.{t}")).scalar()
                    for t in ("fct_observations", "fct_business_day_panel")
                }
            print(
                f"dbt build --full-refresh (15 years, {len(results['results'])} nodes): "
                f"{seconds:.1f} s; fct_observations {counts['fct_observations']:,} rows, "
                f"fct_business_day_panel {counts['fct_business_day_panel']:,} rows"
            )
            print(f"  slowest models: {slowest(results)}")
            tail = date(2024, 12, 25)
            ingest_all(engine, tail, END, client, None, starts)
        seconds, results = timed_dbt(url, "build")
        print(f"dbt build, incremental after {CUT} -> {END}: {seconds:.1f} s")
        print(f"  slowest models: {slowest(results)}")
        seconds, _ = timed_dbt(url, "run", "--select", "config.materialized:incremental")
        print(f"dbt run of the incremental models alone, nothing new: {seconds:.1f} s")
        # Downstream too: a full refresh replaces the tables, and dbt's drop ... cascade takes
        # the views that read them with it.
        seconds, _ = timed_dbt(
            url, "run", "--select", "config.materialized:incremental+", "--full-refresh"
        )
        print(f"dbt run --full-refresh of the incremental models and downstream: {seconds:.1f} s")
    engine.dispose()

    env = dict(os.environ, DAGS=str(REPO_ROOT / "dags"))
    env["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(REPO_ROOT / "plugins")
    env["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    with tempfile.TemporaryDirectory() as home:
        env["AIRFLOW_HOME"] = home
        proc = subprocess.run(
            [sys.executable, "-c", DAGBAG_SCRIPT], env=env, capture_output=True, text=True
        )
    if proc.returncode != 0:
        raise SystemExit(f"DagBag failed:\n{proc.stderr[-2000:]}")
    airflow_import, fill, n_dags, n_dbt = proc.stdout.split()[-4:]
    print(
        f"DagBag fill: {fill} s for {n_dags} DAGs with {n_dbt} Cosmos dbt tasks rendered "
        f"(importing Airflow first: {airflow_import} s)"
    )


if __name__ == "__main__":
    main()
