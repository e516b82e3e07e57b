"""Run the Alembic migrations programmatically (``macro db migrate``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from macro_models.db.engine import database_url

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")
# Bronze time tables and their time column: hypertables when TimescaleDB is installed.
HYPERTABLES = {
    "bronze.bcb_sgs__series": "observation_date",
    "bronze.fred__observations": "observation_date",
    "bronze.treasury__par_yields": "curve_date",
    "bronze.yahoo__daily_bars": "bar_date",
    "bronze.b3__di1_settlements": "trade_date",
    "bronze.bcb_ptax__quotes": "quote_date",
    "bronze.bcb_focus__expectations": "survey_date",
    "bronze.ipeadata__values": "observation_date",
    "bronze.ibge__sidra_values": "observation_date",
    "bronze.cftc__tff_positions": "report_date",
    "bronze.b3_index__closes": "trade_date",
    "bronze.anbima__tpf_indicative_rates": "reference_date",
    "bronze.tesouro__prices": "base_date",
}


def migrate(url: str | None = None, revision: str = "heads") -> None:
    cfg = Config(str(ALEMBIC_INI))
    cfg.attributes["url"] = url or database_url()
    command.upgrade(cfg, revision)
    _enable_timescale(cfg.attributes["url"])


def _enable_timescale(url: str) -> None:
    """Turn bronze time tables into hypertables when TimescaleDB is installed, else do nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        available = conn.execute(
            text("select 1 from pg_available_extensions where name = 'timescaledb'")
        ).first()
        if not available:
            return
        conn.execute(text("create extension if not exists timescaledb"))
        for table, column in HYPERTABLES.items():
            conn.execute(
                text(
                    "select create_hypertable(:t, :c, "
                    "chunk_time_interval => interval '1 year', if_not_exists => true, "
                    "migrate_data => true)"
                ),
                {"t": table, "c": column},
            )
    engine.dispose()
