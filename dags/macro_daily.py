"""macro_daily: ingest → dbt (Cosmos) → agents → strategies → signals → portfolio → risk for one
business date.

Thin by design: heavy imports (pandas, macro_models) happen inside tasks; Cosmos renders the dbt
task group from the manifest that `make setup` builds, so parsing never runs dbt.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import TaskGroup, dag, task
from macro_assets import table_asset
from macro_dbt import dbt_task_group, dbt_unit_tests
from notifiers.slack_failure import SlackFailureNotifier
from timetables.exchange import B3BusinessDayTimetable

BRONZE_SGS = table_asset("bronze", "bcb_sgs__series")
AGENT_REPORTS = table_asset("analytics", "agent_reports")
STRATEGY_SIGNALS = table_asset("analytics", "strategy_signals")
SIGNALS = table_asset("analytics", "signals")
PORTFOLIO_TARGETS = table_asset("analytics", "portfolio_targets")
RISK_REPORTS = table_asset("analytics", "risk_reports")


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

    transform = dbt_task_group("transform")

    with TaskGroup("analytics") as analytics:

        @task(outlets=[AGENT_REPORTS])
        def agents(ds: str | None = None) -> str:
            from macro_models.pipeline.steps import agents as agents_step

            return agents_step(_engine(), _run_date(ds))

        @task(outlets=[STRATEGY_SIGNALS])
        def strategies(ds: str | None = None) -> str:
            from macro_models.pipeline.steps import strategies as strategies_step

            return strategies_step(_engine(), _run_date(ds))

        @task(outlets=[SIGNALS])
        def signals(ds: str | None = None) -> str:
            from macro_models.pipeline.steps import signals as signals_step

            return signals_step(_engine(), _run_date(ds))

        @task(outlets=[PORTFOLIO_TARGETS])
        def portfolio(ds: str | None = None) -> str:
            from macro_models.pipeline.steps import portfolio as portfolio_step

            return portfolio_step(_engine(), _run_date(ds))

        @task(outlets=[RISK_REPORTS])
        def risk(ds: str | None = None) -> str:
            from macro_models.pipeline.steps import risk as risk_step

            return risk_step(_engine(), _run_date(ds))

        agents() >> strategies() >> signals() >> portfolio() >> risk()

    ingest() >> transform >> dbt_unit_tests() >> analytics


macro_daily()
