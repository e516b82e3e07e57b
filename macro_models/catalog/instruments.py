"""The instruments the fund trades: one CSV, read here and loaded by dbt as a seed."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

INSTRUMENTS_PATH = Path(__file__).with_name("instrument_catalog.csv")


@dataclass(frozen=True)
class InstrumentSpec:
    instrument_id: str
    name: str
    asset_class: str
    instrument_type: str
    exchange: str
    currency: str
    calendar: str
    timezone: str
    close_time: str
    contract_multiplier: float
    tick_size: float
    quote_convention: str
    price_source: str
    description: str


@lru_cache(maxsize=1)
def load_instruments() -> dict[str, InstrumentSpec]:
    with INSTRUMENTS_PATH.open(newline="") as fh:
        out = {}
        for r in csv.DictReader(fh):
            fields: dict[str, Any] = dict(r)
            fields["contract_multiplier"] = float(r["contract_multiplier"])
            fields["tick_size"] = float(r["tick_size"])
            out[r["instrument_id"]] = InstrumentSpec(**fields)
        return out
