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


def test_rate_basis_agrees_with_the_unit() -> None:
    from macro_models.catalog.series import RATE_BASES

    changes = {
        "% m/m": "monthly_change",
        "% per month": "monthly_change",
        "% q/q": "quarterly_change",
        "% per business day": "daily_bus252",
    }
    for series_id, spec in load_catalog().items():
        assert spec.rate_basis in RATE_BASES, series_id
        percent = spec.unit.startswith("%") or spec.unit in ("pp", "bp")
        assert (spec.rate_basis == "level") != percent, series_id
        if spec.unit in changes:
            assert spec.rate_basis == changes[spec.unit], series_id
    assert load_catalog()["fred__DFF"].rate_basis == "annual_act360"
    assert load_catalog()["bcb_sgs__432"].rate_basis == "annual_bus252"
    assert load_catalog()["treasury__10Y"].rate_basis == "annual_bond_equivalent"


def test_calendar_holidays_seed_matches_exchange_calendars() -> None:
    from macro_models.catalog.calendar_holidays import HOLIDAYS_PATH, holiday_rows

    written = HOLIDAYS_PATH.read_text().splitlines()[1:]
    expected = [f"{code},{day.isoformat()}" for code, day in holiday_rows()]
    assert written == expected, (
        "calendar_holidays.csv is out of date: "
        "run `python -m macro_models.catalog.calendar_holidays`"
    )
    assert "B3,2024-02-13" in written and "NYSE,2024-07-04" in written
    assert "BR_NATIONAL,2024-11-20" in written  # Black Consciousness Day, national from 2024
