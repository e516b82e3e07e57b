"""Real dbt on the embedded database: the build on sample data, and the PIT function."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.slow


def test_gold_has_every_catalogued_series(gold_engine) -> None:
    from macro_models.catalog import load_catalog

    with gold_engine.connect() as conn:
        ids = set(
            conn.execute(text("select distinct series_id from gold.fct_observations")).scalars()
        )
        dims = set(conn.execute(text("select series_id from gold.dim_series")).scalars())
    assert ids == set(load_catalog()) == dims


def test_pit_function_never_returns_later_vintages(gold_engine) -> None:
    as_of = datetime(2020, 3, 31, 12, tzinfo=UTC)
    with gold_engine.connect() as conn:
        latest = conn.execute(
            text("select max(known_at) from gold.observations_as_of(:t)"), {"t": as_of}
        ).scalar()
        ipca_last = conn.execute(
            text(
                "select max(observation_date) from gold.observations_as_of(:t) "
                "where series_id = 'bcb_sgs__433'"
            ),
            {"t": as_of},
        ).scalar()
    assert latest <= as_of
    # February's IPCA is released ten business days after 29 Feb: mid-March, so it is known.
    assert ipca_last.isoformat() == "2020-02-01"


def test_unit_tests_run_alone(gold_url) -> None:
    from macro_models.dbt_runner import run_dbt

    proc = run_dbt(["test", "--select", "test_type:unit"], url=gold_url, capture=True)
    assert proc.returncode == 0, proc.stdout
    assert "PASS=" in proc.stdout and "ERROR=0" in proc.stdout
