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


def parse_tidy_csv(payload: RawPayload) -> list[tuple]:
    def fail(reason: str) -> PayloadError:
        return PayloadError(payload.source, payload.item, payload.describe_request(), reason)

    text = payload.body.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise fail("empty file")
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader)]
    if header not in (["date", "value"], REFERENCE_HEADER):
        raise fail(f"header must be 'date,value', got {','.join(header)!r}")
    out, seen = [], set()
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        reference = None
        if header == REFERENCE_HEADER:
            reference, row = _parse_reference(row, line_no, fail)
        day, value = _parse_row(row, line_no, fail)
        if (day, reference) in seen:
            raise fail(f"line {line_no} repeats date {day}")
        seen.add((day, reference))
        out.append((day, value) if reference is None else (day, value, reference))
    return out


# Expectations (Focus) for a reference period: the same date may hold several references.
REFERENCE_HEADER = ["date", "reference_year", "value"]


def _parse_reference(row: list[str], line_no: int, fail: Any) -> tuple[int, list[str]]:
    if len(row) != 3 or not row[1].strip().isdigit() or len(row[1].strip()) != 4:
        raise fail(f"line {line_no}: reference_year must be a four-digit year")
    return int(row[1]), [row[0], row[2]]


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


_WITH_REFERENCE = {"bcb_focus"}


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
            rows = parse_tidy_csv(payload)
            if rows and len(rows[0]) == 3 and source not in _WITH_REFERENCE:
                raise PayloadError(
                    source, payload.item, payload.describe_request(),
                    "a reference_year column is only meaningful for expectations (bcb_focus)",
                )  # fmt: skip
            return [build(payload.item, *row) for row in rows]

    return TidyCsvFetcher
