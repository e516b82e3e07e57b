"""macro_daily: ingest → dbt (Cosmos) → agents for one business date.

Thin by design: heavy imports (pandas, macro_models) happen inside tasks; Cosmos renders the dbt
task group from the manifest that `make setup` builds, so parsing never runs dbt.
"""

from __future__ import annotations

import os
from pathlib import Path

import pendulum
from airflow.sdk import dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode
from cosmos.profiles import PostgresUserPasswordProfileMapping
from macro_assets import table_asset
from notifiers.slack_failure import SlackFailureNotifier
from timetables.exchange import B3BusinessDayTimetable

DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
MANIFEST = DBT_PROJECT / "target" / "manifest.json"
BRONZE_SGS = table_asset("bronze", "bcb_sgs__series")
AGENT_REPORTS = table_asset("analytics", "agent_reports")

if not MANIFEST.exists():
    raise FileNotFoundError(f"{MANIFEST} is missing: run `make setup` (it runs dbt parse)")


def _engine():
    from airflow.sdk import BaseHook
    from sqlalchemy import create_engine

    from macro_models.db.engine import normalise_url

    return create_engine(normalise_url(BaseHook.get_connection("macro_db").get_uri()))


def _run_date(ds: str):
    from datetime import date

    return date.fromisoformat(ds)


@dag(
    dag_id="macro_daily",
    # Every B3 session at 20:30 São Paulo: after the close and the day's BCB releases.
    schedule=B3BusinessDayTimetable(),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "macro-data",
        # MACRO_AIRFLOW_RETRIES=0 makes `airflow dags test` fail fast in the demo and tests.
        "retries": int(os.environ.get("MACRO_AIRFLOW_RETRIES", "2")),
        "retry_exponential_backoff": True,
        "on_failure_callback": SlackFailureNotifier(),
    },
    on_failure_callback=SlackFailureNotifier(),
    tags=["macro", "daily", "end-to-end"],
    doc_md=__doc__,
)
def macro_daily():
    @task(outlets=[BRONZE_SGS])
    def ingest(ds: str | None = None) -> str:
        from macro_models.pipeline.steps import ingest as ingest_step

        return ingest_step(_engine(), _run_date(ds))

    transform = DbtTaskGroup(
        group_id="transform",
        project_config=ProjectConfig(dbt_project_path=DBT_PROJECT, manifest_path=MANIFEST),
        profile_config=ProfileConfig(
            profile_name="macro",
            target_name="airflow",
            profile_mapping=PostgresUserPasswordProfileMapping(
                conn_id="macro_db", profile_args={"schema": "silver"}
            ),
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL, invocation_mode=InvocationMode.DBT_RUNNER
        ),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST),
        operator_args={"install_deps": False},
    )

    @task
    def dbt_unit_tests() -> str:
        # Cosmos does not render dbt unit tests, so they run as one task after the build.
        from airflow.sdk import BaseHook

        from macro_models.db.engine import normalise_url
        from macro_models.dbt_runner import run_dbt, summarise

        url = normalise_url(BaseHook.get_connection("macro_db").get_uri())
        proc = run_dbt(["test", "--select", "test_type:unit"], url=url, capture=True)
        if proc.returncode != 0:
            raise RuntimeError(f"dbt unit tests failed:\n{proc.stdout[-2000:]}")
        return summarise(proc.stdout)

    @task(outlets=[AGENT_REPORTS])
    def agents(ds: str | None = None) -> str:
        from macro_models.agents.runner import run_monetary_policy, save_report

        engine = _engine()
        report = run_monetary_policy(engine, _run_date(ds))
        save_report(engine, report)
        print(f"monetary_policy: {report.headline}")
        return report.headline

    ingest() >> transform >> dbt_unit_tests() >> agents()


macro_daily()
