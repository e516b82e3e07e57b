"""macro_transform: dbt builds silver and gold whenever an ingestion DAG lands bronze data.

Scheduled on the bronze Assets (any of them), so a late revision landed by a backfill reaches
gold without waiting for the daily run; the incremental models rebuild only what the new
vintages touch. One run at a time: asset events that arrive during a run start the next one.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import AssetAny, dag
from macro_assets import bronze_assets
from macro_dbt import dbt_task_group, dbt_unit_tests
from notifiers.slack_failure import SlackFailureNotifier


@dag(
    dag_id="macro_transform",
    schedule=AssetAny(*bronze_assets()),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "macro-data",
        "retries": 1,
        "retry_delay": pendulum.duration(minutes=2),
        "on_failure_callback": SlackFailureNotifier(),
    },
    on_failure_callback=SlackFailureNotifier(),
    tags=["transform", "dbt", "silver", "gold"],
    doc_md=__doc__,
)
def macro_transform():
    dbt_task_group("dbt") >> dbt_unit_tests()


macro_transform()
