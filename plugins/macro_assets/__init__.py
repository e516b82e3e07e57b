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
