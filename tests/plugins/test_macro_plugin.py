"""The plugin module loads the way Airflow loads it and registers the timetables."""

from __future__ import annotations

import sys

import timetables.exchange as exchange


def test_plugin_module_registers_the_timetables() -> None:
    import macro_plugin

    assert macro_plugin.MacroPlatformPlugin.name == "macro_platform"
    assert set(macro_plugin.MacroPlatformPlugin.timetables) == {
        exchange.ExchangeSessionTimetable,
        exchange.B3BusinessDayTimetable,
        exchange.NyseBusinessDayTimetable,
    }


def test_airflow_plugins_manager_finds_them_under_the_dag_import_path() -> None:
    from airflow import plugins_manager, settings

    assert settings.PLUGINS_FOLDER and settings.PLUGINS_FOLDER.endswith("plugins")
    assert settings.PLUGINS_FOLDER in sys.path  # Airflow's own prepare_syspath did this
    plugins, errors = plugins_manager._get_plugins()
    assert "macro_platform" in [p.name for p in plugins]
    assert not {k: v for k, v in errors.items() if settings.PLUGINS_FOLDER in k}

    registered = plugins_manager.get_timetables_plugins()
    for cls in (
        exchange.ExchangeSessionTimetable,
        exchange.B3BusinessDayTimetable,
        exchange.NyseBusinessDayTimetable,
    ):
        # The same class object a DAG file gets from `from timetables.exchange import ...`.
        assert registered[f"timetables.exchange.{cls.__name__}"] is cls
    # .airflowignore kept the loader from running the packages as stray top-level modules.
    assert "exchange" not in sys.modules and "slack_failure" not in sys.modules


DAG_FILE = """
import pendulum
from airflow.sdk import dag, task
from notifiers.slack_failure import SlackFailureNotifier
from timetables.exchange import B3BusinessDayTimetable

@dag(
    schedule=B3BusinessDayTimetable(),
    start_date=pendulum.datetime(2024, 1, 2, tz="America/Sao_Paulo"),
    catchup=False,
    default_args={"owner": "macro-data", "on_failure_callback": SlackFailureNotifier()},
    on_failure_callback=SlackFailureNotifier(),
    tags=["probe"],
)
def plugin_probe():
    @task
    def noop() -> None:
        pass

    noop()

plugin_probe()
"""


def test_a_dag_file_imports_the_plugins_like_the_dags_folder_will(tmp_path) -> None:
    from airflow.dag_processing.dagbag import DagBag
    from airflow.serialization.serialized_objects import DagSerialization

    (tmp_path / "plugin_probe.py").write_text(DAG_FILE)
    bag = DagBag(dag_folder=str(tmp_path))
    assert bag.import_errors == {}
    dag = bag.dags["plugin_probe"]
    assert type(dag.timetable) is exchange.B3BusinessDayTimetable
    stored = DagSerialization.to_dict(dag)["dag"]
    assert stored["timetable"]["__type"] == "timetables.exchange.B3BusinessDayTimetable"
    assert stored["has_on_failure_callback"] is True
