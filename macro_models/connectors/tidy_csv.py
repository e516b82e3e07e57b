"""Tidy CSV files ``<source>__<code>.csv`` with header ``date,value`` (ISO dates, dot decimals).

A file is loaded exactly as a fetch of the same values would be: archived, validated strictly,
then upserted with known_at from the catalog's release rule.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.registry import CSV_RECORDS, get_fetcher


def split_name(path: Path) -> tuple[str, str]:
    stem = path.stem
    if "__" not in stem:
        raise ValueError(f"{path.name}: expected a name like <source>__<code>.csv")
    source, code = stem.split("__", 1)
    return source, code


def csv_payload(path: Path) -> RawPayload:
    source, code = split_name(path)
    return RawPayload(
        source=source,
        item=code,
        request={"file": path.name},
        body=path.read_bytes(),
        content_type="text/csv",
    )


def parse_tidy_csv(payload: RawPayload) -> list[tuple[date, Decimal]]:
    def fail(reason: str) -> PayloadError:
        return PayloadError(payload.source, payload.item, payload.describe_request(), reason)

    text = payload.body.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise fail("empty file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader)]
    if header != ["date", "value"]:
        raise fail(f"header must be 'date,value', got {','.join(header)!r}")
    out, seen = [], set()
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        day, value = _parse_row(row, line_no, fail)
        if day in seen:
            raise fail(f"line {line_no} repeats date {day}")
        seen.add(day)
        out.append((day, value))
    return out


def _parse_row(row: list[str], line_no: int, fail: Any) -> tuple[date, Decimal]:
    if len(row) != 2:
        raise fail(f"line {line_no} has {len(row)} fields, expected 2")
    try:
        day = date.fromisoformat(row[0].strip())
    except ValueError:
        raise fail(f"line {line_no} date {row[0]!r} is not an ISO date") from None
    raw = row[1].strip()
    if raw in ("", "-", ".") or "," in raw:
        raise fail(f"line {line_no} value {raw!r} is not a dot-decimal number")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(f"line {line_no} value {raw!r} is not a number") from None
    if not value.is_finite():
        raise fail(f"line {line_no} value {raw!r} is not finite")
    return day, value


def csv_fetcher_for(source: str) -> Any:
    """A Fetcher whose transform_data reads a tidy CSV but writes the source's own bronze table."""
    target = get_fetcher(source)
    if source not in CSV_RECORDS:
        raise KeyError(f"no tidy-CSV mapping for source {source!r}")
    build = CSV_RECORDS[source]

    class TidyCsvFetcher:
        key: ClassVar[str] = source
        table: ClassVar[str] = target.table
        key_columns: ClassVar[tuple[str, ...]] = target.key_columns
        value_columns: ClassVar[tuple[str, ...]] = target.value_columns

        @staticmethod
        def transform_data(payload: RawPayload) -> list[BaseModel]:
            return [build(payload.item, d, v) for d, v in parse_tidy_csv(payload)]

    return TidyCsvFetcher
