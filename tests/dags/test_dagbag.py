"""The DAG folder parses cleanly and fast; macro_daily runs for real via `airflow dags test`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text


def test_no_import_errors(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert "macro_daily" in dagbag.dags


def test_every_dag_has_tags_and_an_owner(dagbag) -> None:
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, dag_id
        assert all(t.owner and t.owner != "airflow" for t in dag.tasks), dag_id


def test_macro_daily_chains_ingest_dbt_agents(dagbag) -> None:
    dag = dagbag.dags["macro_daily"]
    ids = set(dag.task_ids)
    assert {"ingest", "dbt_unit_tests", "analytics.agents", "analytics.signals"} <= ids
    dbt_tasks = {t for t in ids if t.startswith("transform.")}
    assert "transform.fct_observations_run" in dbt_tasks or any(
        "fct_observations" in t for t in dbt_tasks
    )
    assert dag.get_task("ingest").downstream_task_ids <= dbt_tasks
    assert dag.get_task("analytics.agents").upstream_task_ids == {"dbt_unit_tests"}
    assert dag.get_task("analytics.strategies").upstream_task_ids == {"analytics.agents"}
    assert dag.get_task("analytics.signals").upstream_task_ids == {"analytics.strategies"}


@pytest.mark.slow
def test_airflow_dags_test_runs_macro_daily(gold_url, gold_engine, tmp_path) -> None:
    from sqlalchemy.engine import make_url

    run_date = date(2024, 12, 27)
    with gold_engine.begin() as conn:
        conn.execute(
            text("delete from analytics.agent_reports where as_of_date = :d"), {"d": run_date}
        )
    env = dict(os.environ)
    env.update(MACRO_DB_NAME=make_url(gold_url).database, MACRO_AIRFLOW_RETRIES="0")
    env.pop("AIRFLOW_HOME", None)
    macro = str(Path(sys.executable).with_name("macro"))
    proc = subprocess.run(
        [macro, "airflow", "dags", "test", "macro_daily", run_date.isoformat()],
        env=env,
        capture_output=True,
        text=True,
    )
    log = proc.stdout + proc.stderr
    (tmp_path / "dags_test.log").write_text(log)
    assert proc.returncode == 0, log[-3000:]
    assert "Task failed" not in log, log[-3000:]
    with gold_engine.connect() as conn:
        report = conn.execute(
            text(
                "select report from analytics.agent_reports "
                "where agent_id = 'monetary_policy' and as_of_date = :d"
            ),
            {"d": run_date},
        ).scalar()
    assert report is not None and report["headline"]
    with gold_engine.connect() as conn:
        strategies = conn.execute(
            text("select count(*) from analytics.strategy_signals where as_of_date = :d"),
            {"d": run_date},
        ).scalar()
        books = conn.execute(
            text("select count(distinct method) from analytics.signals where as_of_date = :d"),
            {"d": run_date},
        ).scalar()
    assert strategies > 0 and books == 3


def test_macro_transform_runs_dbt_on_bronze_assets(dagbag) -> None:
    from macro_assets import BRONZE_TABLES

    dag = dagbag.dags["macro_transform"]
    scheduled = {a.name for a in dag.timetable.asset_condition.objects}
    assert scheduled == {f"bronze.{t}" for t in BRONZE_TABLES}
    dbt_tasks = {t for t in dag.task_ids if t.startswith("dbt.")}
    assert any("fct_business_day_panel" in t for t in dbt_tasks)
    assert any("fct_observations" in t for t in dbt_tasks)
    unit = dag.get_task("dbt_unit_tests")
    assert unit.upstream_task_ids and unit.upstream_task_ids <= dbt_tasks
    assert dag.max_active_runs == 1
