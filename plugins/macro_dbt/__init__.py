"""The dbt project inside Airflow: one Cosmos task-group factory and the unit-test task.

Both macro_daily and macro_transform build their dbt group here, so the profile, the execution
mode and the manifest are configured once. Cosmos renders the group from the manifest that
`make setup` writes (`dbt parse`), so parsing a DAG file never runs dbt. Cosmos does not render
dbt unit tests, so `dbt_unit_tests` runs them as one task after the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow.sdk import task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode
from cosmos.profiles import PostgresUserPasswordProfileMapping

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
MANIFEST = DBT_PROJECT / "target" / "manifest.json"


def dbt_task_group(group_id: str, **kwargs: Any) -> DbtTaskGroup:
    """The whole dbt project as a Cosmos task group (one run and one test task per model)."""
    if not MANIFEST.exists():
        raise FileNotFoundError(f"{MANIFEST} is missing: run `make setup` (it runs dbt parse)")
    return DbtTaskGroup(
        group_id=group_id,
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
        # A test over several models (a singular test joining two views) gets its own task after
        # all of them; attached to one parent it could run before a sibling view is rebuilt.
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST, should_detach_multiple_parents_tests=True
        ),
        operator_args={"install_deps": False},
        **kwargs,
    )


@task
def dbt_unit_tests() -> str:
    """`dbt test --select test_type:unit` against the macro_db connection."""
    from airflow.sdk import BaseHook

    from macro_models.db.engine import normalise_url
    from macro_models.dbt_runner import run_dbt, summarise

    url = normalise_url(BaseHook.get_connection("macro_db").get_uri())
    proc = run_dbt(["test", "--select", "test_type:unit"], url=url, capture=True)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt unit tests failed:\n{proc.stdout[-2000:]}")
    return summarise(proc.stdout)
