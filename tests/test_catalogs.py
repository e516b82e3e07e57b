"""The catalogs: every series' source has a connector and every instrument a priced source."""

from __future__ import annotations

from datetime import date

from macro_models.catalog import load_catalog
from macro_models.catalog.instruments import load_instruments
from macro_models.connectors.registry import FETCHERS


def test_every_catalogued_series_has_a_connector_and_a_release_rule() -> None:
    catalog = load_catalog()
    assert len(catalog) >= 100
    for series_id, spec in catalog.items():
        assert series_id == f"{spec.source}__{spec.code}"
        assert spec.source in FETCHERS, series_id
        assert spec.known_at(date(2024, 3, 1)).tzinfo is not None


def test_issue_scope_counts() -> None:
    catalog = load_catalog().values()
    assert sum(s.source == "bcb_sgs" for s in catalog) >= 40
    assert sum(s.source == "fred" for s in catalog) >= 20


def test_instruments_point_at_known_prices() -> None:
    series = set(load_catalog())
    tables = {f.table.removeprefix("bronze.") for f in FETCHERS.values()}
    instruments = load_instruments()
    assert {"DI1", "USDBRL", "IND", "ES", "ZN", "NTNB"} <= set(instruments)
    for spec in instruments.values():
        assert spec.price_source in series | tables, spec.instrument_id
        assert spec.contract_multiplier > 0 and spec.tick_size > 0
