"""The platform's Airflow Assets, defined once so that every DAG names a table the same way.

An asset name must map to one URI across all DAGs (Airflow deactivates the others), so both
the ingestion DAGs and macro_daily build them here. The URI is the table's postgres:// address,
which Cosmos also uses for the dbt models it emits.
"""

from __future__ import annotations

import os

from airflow.sdk import Asset


def table_asset(schema: str, table: str) -> Asset:
    host = os.environ.get("MACRO_DB_HOST", "127.0.0.1")
    port = os.environ.get("MACRO_DB_PORT", "55432")
    database = os.environ.get("MACRO_DB_NAME", "macro")
    return Asset(
        name=f"{schema}.{table}", uri=f"postgres://{host}:{port}/{database}/{schema}/{table}"
    )


# Every bronze table an ingestion DAG writes (tests check this against the connector registry).
BRONZE_TABLES = (
    "bcb_sgs__series",
    "bcb_ptax__quotes",
    "bcb_focus__expectations",
    "fred__observations",
    "treasury__par_yields",
    "yahoo__daily_bars",
    "b3__di1_settlements",
    "b3_index__closes",
    "anbima__tpf_indicative_rates",
    "ipeadata__values",
    "ibge__sidra_values",
    "tesouro__prices",
    "cftc__tff_positions",
)


def bronze_assets() -> list[Asset]:
    return [table_asset("bronze", t) for t in BRONZE_TABLES]
