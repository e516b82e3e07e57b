"""The per-source ingestion DAGs: calendars, pools, retries, alerts, and a short backfill."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from macro_models.config import REPO_ROOT
from tests.conftest import fresh_database

EXPECTED = {
    "ingest_bcb_sgs": ("B3", "bcb_api"),
    "ingest_bcb_ptax": ("B3", "bcb_api"),
    "ingest_bcb_focus": ("B3", "bcb_api"),
    "ingest_fred": ("NYSE", "fred_api"),
    "ingest_treasury": ("NYSE", "treasury_api"),
    "ingest_yahoo": ("NYSE", "yahoo_api"),
    "ingest_b3": ("B3", "b3_api"),
    "ingest_b3_index": ("B3", "b3_api"),
    "ingest_ipeadata": ("B3", "ipea_api"),
    "ingest_ibge": ("B3", "ibge_api"),
    "ingest_cftc": ("NYSE", "cftc_api"),
    "ingest_anbima": ("B3", "anbima_api"),
    "ingest_tesouro": ("B3", "tesouro_api"),
}


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_ingest_dag_is_on_its_market_calendar_with_a_pool_retries_and_alerts(dagbag, dag_id):
    from notifiers.slack_failure import SlackFailureNotifier

    calendar, pool = EXPECTED[dag_id]
    dag = dagbag.dags[dag_id]
    assert dag.timetable.summary.startswith(calendar)
    fetch = dag.get_task("fetch")
    assert fetch.pool == pool
    assert fetch.retries >= 3 and fetch.retry_exponential_backoff
    for callbacks in (fetch.on_failure_callback, dag.on_failure_callback):
        callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
        assert any(isinstance(cb, SlackFailureNotifier) for cb in callbacks)
    assert [a.name for a in fetch.outlets][0].startswith("bronze.")


def test_every_source_with_a_connector_has_an_ingest_dag_writing_its_bronze_table(dagbag):
    from macro_assets import BRONZE_TABLES

    from macro_models.connectors.registry import FETCHERS

    tables = {f.table.removeprefix("bronze.") for f in FETCHERS.values()}
    assert set(BRONZE_TABLES) == tables
    written = {
        a.name.removeprefix("bronze.")
        for dag_id in EXPECTED
        for a in dagbag.dags[dag_id].get_task("fetch").outlets
    }
    assert written == tables
    assert {f"ingest_{source}" for source in FETCHERS} == set(EXPECTED)


def test_focus_dag_fetches_every_catalogued_focus_dataset_once(dagbag):
    from macro_models.catalog.series import series_for_source
    from macro_models.connectors.bcb_focus import dataset_of

    datasets = {dataset_of(s.code).code for s in series_for_source("bcb_focus")}
    fetch = dagbag.dags["ingest_bcb_focus"].get_task("fetch")
    mapped = fetch.op_kwargs_expand_input.value["code"]
    assert sorted(mapped) == sorted(datasets)


def test_pools_named_by_dags_exist_in_the_pool_file(dagbag):
    import json

    pools = json.loads((REPO_ROOT / "dags" / "pools.json").read_text())
    used = {t.pool for d in dagbag.dags.values() for t in d.tasks if t.pool != "default_pool"}
    assert used <= set(pools)


@pytest.mark.slow
def test_backfill_over_carnival_is_correct_and_idempotent(pg) -> None:
    from macro_models.airflow_env import airflow_env

    db = make_url(fresh_database(pg, f"{os.environ['MACRO_DB_NAME']}_backfill")).database
    os.environ["MACRO_DB_NAME"], saved = db, os.environ["MACRO_DB_NAME"]
    try:
        from macro_models.config import get_settings

        get_settings.cache_clear()
        env = airflow_env()
    finally:
        os.environ["MACRO_DB_NAME"] = saved
        get_settings.cache_clear()
    env.update(MACRO_DB_NAME=db, MACRO_AIRFLOW_RETRIES="0")
    cmd = [
        sys.executable,
        "tests/dags/backfill_runs.py",
        "ingest_bcb_sgs",
        "2024-02-09",
        "2024-02-15",
    ]

    def backfill() -> list[str]:
        proc = subprocess.run(cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        return [line for line in proc.stdout.splitlines() if line.startswith("RESULT")]

    engine = create_engine(make_url(pg.url(db)))
    count = text("select count(*), max(observation_date) from bronze.bcb_sgs__series")
    # Carnival Monday and Tuesday (12-13 Feb 2024) are not B3 sessions: no run for them.
    assert backfill() == [
        "RESULT 2024-02-09 success",
        "RESULT 2024-02-14 success",
        "RESULT 2024-02-15 success",
    ]
    with engine.connect() as conn:
        rows, last = conn.execute(count).one()
    assert rows > 0 and last <= date(2024, 2, 15)
    backfill()  # the same range again: overlapping windows add nothing
    with engine.connect() as conn:
        assert conn.execute(count).one() == (rows, last)
    engine.dispose()
