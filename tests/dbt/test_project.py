"""The dbt project's own contracts: documented gold, freshness on every source, PIT columns."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    from macro_models.dbt_runner import run_dbt

    target = tmp_path_factory.mktemp("dbt_target")
    proc = run_dbt(["parse", "--target-path", str(target)], capture=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return json.loads((target / "manifest.json").read_text())


def _gold_models(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "gold"
    }


def test_every_source_table_has_freshness_on_loaded_at(manifest) -> None:
    sources = manifest["sources"].values()
    assert {s["source_name"] for s in sources} >= {
        "bcb_sgs", "bcb_ptax", "bcb_focus", "fred", "treasury", "yahoo", "b3", "anbima",
        "ipeadata", "ibge", "tesouro", "cftc", "b3_index",
    }  # fmt: skip
    for source in sources:
        if source["unique_id"] == "source.macro.b3.di1_quotes":
            continue  # intraday snapshots, loaded only while a live intraday task runs
        assert source["loaded_at_field"] == "loaded_at", source["unique_id"]
        freshness = source["freshness"] or {}
        assert freshness.get("warn_after", {}).get("count"), source["unique_id"]
        assert freshness.get("error_after", {}).get("count"), source["unique_id"]


def test_every_gold_model_and_column_is_described(manifest) -> None:
    models = _gold_models(manifest)
    assert {"fct_observations", "fct_business_day_panel", "dim_series", "dim_instruments"} <= set(
        models
    )
    for name, node in models.items():
        assert node["description"].strip(), name
        assert node["columns"], f"{name} documents no columns"
        for column, spec in node["columns"].items():
            assert spec["description"].strip(), f"{name}.{column}"


@pytest.mark.slow
def test_gold_tables_have_no_undocumented_columns_and_carry_known_at(manifest, gold_engine) -> None:
    models = _gold_models(manifest)
    with gold_engine.connect() as conn:
        rows = conn.execute(
            text(
                "select table_name, column_name from information_schema.columns "
                "where table_schema = 'gold'"
            )
        ).all()
    actual: dict[str, set[str]] = {}
    for table, column in rows:
        actual.setdefault(table, set()).add(column)
    for name, node in models.items():
        assert name in actual, f"gold.{name} was not built"
        assert actual[name] == set(node["columns"]), name
        if name.startswith("fct_"):
            # Every fact row says when it could first be known, for point-in-time readers.
            assert "known_at" in actual[name], name


@pytest.mark.slow
def test_source_freshness_passes_on_freshly_loaded_sample(gold_url) -> None:
    from macro_models.dbt_runner import run_dbt

    proc = run_dbt(["source", "freshness"], url=gold_url, capture=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "ERROR STALE" not in proc.stdout
