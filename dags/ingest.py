"""ingest_<source>: one DAG per public source, on its market's business days.

Each run fetches the window ending at its data interval, so `airflow backfill create` over any
range is correct and idempotent: a value seen again adds nothing, a revised one adds a vintage.
One mapped task per series keeps a bad series from blocking the others, and a pool per API
keeps the public quotas.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task
from macro_assets import table_asset
from notifiers.slack_failure import SlackFailureNotifier
from timetables.exchange import B3BusinessDayTimetable, NyseBusinessDayTimetable

from macro_models.catalog.series import series_for_source

# source: (timetable, pool, bronze table, look-back days re-fetched for late revisions, items)
# items: what one task fetches; None means every catalogued series of the source.
SOURCES = {
    "bcb_sgs": (B3BusinessDayTimetable(), "bcb_api", "bcb_sgs__series", 45, None),
    "bcb_ptax": (B3BusinessDayTimetable(), "bcb_api", "bcb_ptax__quotes", 5, None),
    # One Olinda dataset holds several catalogued statistics (median, mean; this and next year).
    # The survey week is published the next Monday, so two weeks of look-back.
    "bcb_focus": (
        B3BusinessDayTimetable(),
        "bcb_api",
        "bcb_focus__expectations",
        14,
        ["ipca_12m", "ipca_annual", "selic_annual", "pib_annual"],
    ),
    "fred": (NyseBusinessDayTimetable(), "fred_api", "fred__observations", 45, None),
    # One response is the whole curve.
    "treasury": (NyseBusinessDayTimetable(), "treasury_api", "treasury__par_yields", 10, ["curve"]),
    # Mostly US listings; a B3-only session's ^BVSP bar is caught by the next run's look-back.
    "yahoo": (NyseBusinessDayTimetable(), "yahoo_api", "yahoo__daily_bars", 10, None),
    # Settlements are published after 19:00 São Paulo; the B3 timetable runs at 20:30.
    "b3": (B3BusinessDayTimetable(), "b3_api", "b3__di1_settlements", 5, ["DI1"]),
    "b3_index": (B3BusinessDayTimetable(), "b3_api", "b3_index__closes", 10, None),
    "ipeadata": (B3BusinessDayTimetable(), "ipea_api", "ipeadata__values", 45, None),
    "ibge": (B3BusinessDayTimetable(), "ibge_api", "ibge__sidra_values", 60, None),
    "anbima": (B3BusinessDayTimetable(), "anbima_api", "anbima__tpf_indicative_rates", 5, None),
    # The whole history is one file: one task, a short look-back.
    "tesouro": (B3BusinessDayTimetable(), "tesouro_api", "tesouro__prices", 5, None),
    # One Socrata request holds every contract; positions come out on Fridays.
    "cftc": (NyseBusinessDayTimetable(), "cftc_api", "cftc__tff_positions", 21, ["curve"]),
}


def build(source: str, timetable, pool: str, table: str, lookback_days: int, items):
    codes = items or [s.code for s in series_for_source(source)]
    alert = SlackFailureNotifier()

    @dag(
        dag_id=f"ingest_{source}",
        schedule=timetable,
        start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
        catchup=False,
        max_active_runs=4,
        default_args={
            "owner": "macro-data",
            "retries": 3,
            "retry_delay": pendulum.duration(minutes=1),
            "retry_exponential_backoff": True,
            "max_retry_delay": pendulum.duration(minutes=30),
            "on_failure_callback": alert,
        },
        on_failure_callback=alert,
        tags=["ingest", source, "bronze"],
        doc_md=__doc__,
    )
    def ingest_source_dag():
        @task(pool=pool, outlets=[table_asset("bronze", table)])
        def fetch(code: str, data_interval_start=None, data_interval_end=None) -> str:
            from airflow.sdk import BaseHook

            from macro_models.pipeline.steps import ingest_window

            url = BaseHook.get_connection("macro_db").get_uri()
            return ingest_window(
                url, source, code, data_interval_start, data_interval_end, lookback_days
            )

        fetch.expand(code=codes)

    return ingest_source_dag()


for _source, _spec in SOURCES.items():
    globals()[f"ingest_{_source}"] = build(_source, *_spec)
