"""Run a DAG over a date range the way a backfill does: the runs come from the DAG's own
(serialized) timetable, and each executes through Airflow's dag.test with that run's interval.

Usage: python backfill_runs.py DAG_ID START END   (dates, São Paulo). Prints one RESULT line a run.
"""

from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

import pendulum
from airflow.dag_processing.dagbag import DagBag
from airflow.serialization.serialized_objects import DagSerialization


def main(dag_id: str, start: str, end: str) -> int:
    dag = DagBag("dags").dags[dag_id]
    scheduler_dag = DagSerialization.from_dict(DagSerialization.to_dict(dag))
    tz = "America/Sao_Paulo"
    infos = scheduler_dag.iter_dagrun_infos_between(
        pendulum.parse(start, tz=tz), pendulum.parse(end, tz=tz)
    )
    failed = 0
    for info in infos:
        # dag.test infers a manual run's interval from the moment it runs: the run's own
        # run_after gives exactly the interval the backfill run would have.
        run = dag.test(logical_date=info.run_after)
        interval = run.data_interval_start.astimezone(ZoneInfo(tz)).date()
        print(f"RESULT {interval} {run.state}", flush=True)
        failed += run.state != "success"
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
