"""FRED / ALFRED observations: ``/fred/series/observations`` with every real-time vintage.

Asking for ``realtime_start = observation_start`` and ``realtime_end = 9999-12-31`` returns one
row per (date, real-time period): each revision is a vintage dated by FRED itself, so nothing
is re-dated at load time. FRED caps a response at 100,000 rows (we page with ``offset``) and a
key at 120 requests a minute (the live HTTP client spaces requests to the host, see
``ingest.make_client``, and Airflow's ``fred_api`` pool bounds the workers).
Missing values are "." at source and are skipped: there is no value to know.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import json_body

SOURCE = "fred"
PAGE_LIMIT = 100_000
REALTIME_END = "9999-12-31"


class FredQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    series_id: str = Field(description="FRED series id, e.g. 'DGS10'.")
    start: date
    end: date
    api_key: str | None = Field(default=None, repr=False, description="Passed in, never global.")

    @field_validator("series_id")
    @classmethod
    def _plain_id(cls, v: str) -> str:
        if not v or not all(c.isascii() and (c.isalnum() or c == "_") for c in v):
            raise ValueError(f"FRED series ids are letters, digits and '_', got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> FredQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class FredRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    series_id: str
    observation_date: date
    value: Decimal = Field(description="Value in the series' unit (see the catalog).")
    realtime_start: date = Field(description="First day this vintage was current (ALFRED).")
    realtime_end: date = Field(description="Last day it was current as of the fetch.")

    @property
    def vintage_date(self) -> date:
        return self.realtime_start


class FredCsvRecord(BaseModel):
    """A FRED value from a tidy CSV: no real-time period, so known_at comes from the catalog."""

    model_config = ConfigDict(frozen=True)

    series_id: str
    observation_date: date
    value: Decimal


def csv_record(code: str, day: date, value: Decimal) -> FredCsvRecord:
    """A row of a tidy ``fred__<id>.csv`` file: no real-time period, known_at by catalog rule."""
    return FredCsvRecord(series_id=code, observation_date=day, value=value)


class FredFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.fred__observations"
    key_columns: ClassVar[tuple[str, ...]] = ("series_id", "observation_date")
    value_columns: ClassVar[tuple[str, ...]] = ("value",)
    extra_columns: ClassVar[tuple[str, ...]] = ("realtime_start", "realtime_end")
    explicit_vintages: ClassVar[bool] = True

    @staticmethod
    def transform_query(params: dict[str, Any]) -> FredQuery:
        params = dict(params)
        if "code" in params:
            params["series_id"] = params.pop("code")
        return FredQuery(**params)

    @staticmethod
    def extract_data(query: FredQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}/fred/series/observations"
        payloads, offset = [], 0
        while True:
            params = {
                "series_id": query.series_id,
                "file_type": "json",
                "observation_start": query.start.isoformat(),
                "observation_end": query.end.isoformat(),
                "realtime_start": query.start.isoformat(),
                "realtime_end": REALTIME_END,
                "limit": str(PAGE_LIMIT),
                "offset": str(offset),
            }
            resp = get_with_retries(
                client, url, {**params, "api_key": query.api_key or ""},
                source=SOURCE, item=query.series_id,
            )  # fmt: skip
            # The archived request never holds the key.
            payloads.append(
                RawPayload(SOURCE, query.series_id, {"url": url, "params": params}, resp.content,
                           resp.headers.get("content-type"))
            )  # fmt: skip
            count = _count(resp.content)
            offset += PAGE_LIMIT
            if count is None or offset >= count:
                return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[FredRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        doc = _parse_object(payload.body, fail)
        rows = doc.get("observations")
        if not isinstance(rows, list):
            raise fail("no 'observations' list in the response")
        records, seen = [], set()
        for i, row in enumerate(rows):
            rec = _record(payload.item, i, row, fail)
            if rec is None:
                continue
            key = (rec.observation_date, rec.realtime_start)
            if key in seen:
                raise fail(f"date {key[0]} vintage {key[1]} appears twice")
            seen.add(key)
            records.append(rec)
        return records


def _count(body: bytes) -> int | None:
    try:
        return int(json.loads(body).get("count"))
    except (ValueError, TypeError, AttributeError):
        return None


def _parse_object(body: bytes, fail: Any) -> dict[str, Any]:
    doc = json_body(body, fail)
    if not isinstance(doc, dict):
        raise fail(f"expected a JSON object, got {type(doc).__name__}")
    if "error_message" in doc:
        raise fail(f"FRED error {doc.get('error_code')}: {doc['error_message']}")
    return doc


def _record(series_id: str, i: int, row: Any, fail: Any) -> FredRecord | None:
    fields = ("date", "value", "realtime_start", "realtime_end")
    if not isinstance(row, dict) or any(f not in row for f in fields):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise fail(f"observation {i} lacks one of {fields} (has {keys})")
    raw = str(row["value"]).strip()
    if raw == ".":
        return None
    try:
        day = date.fromisoformat(row["date"])
        rt_start = date.fromisoformat(row["realtime_start"])
        rt_end = date.fromisoformat(row["realtime_end"])
    except (TypeError, ValueError):
        raise fail(f"observation {i} has a date that is not YYYY-MM-DD") from None
    if rt_start > rt_end:
        raise fail(f"observation {i} realtime_start {rt_start} is after realtime_end {rt_end}")
    if "," in raw:
        raise fail(f"value {raw!r} at {day} uses a comma; FRED uses '.' decimals")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(f"value {raw!r} at {day} is not a number") from None
    if not value.is_finite():
        raise fail(f"value {raw!r} at {day} is not finite")
    return FredRecord(
        series_id=series_id,
        observation_date=day,
        value=value,
        realtime_start=rt_start,
        realtime_end=rt_end,
    )


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a FRED observations request from ``fred__<id>.json``, paged like FRED."""
    if not request.url.path.endswith("/fred/series/observations"):
        return None
    p = request.url.params
    path = directory / f"fred__{p.get('series_id', '')}.json"
    if not path.exists():
        return httpx.Response(400, json={"error_code": 400, "error_message": "Bad series id"})
    doc = json.loads(path.read_text())
    lo, hi = p.get("observation_start", "0000"), p.get("observation_end", "9999")
    rt_lo = p.get("realtime_start", "0000")
    rows = [o for o in doc["observations"] if lo <= o["date"] <= hi and o["realtime_end"] >= rt_lo]
    offset, limit = int(p.get("offset", 0)), int(p.get("limit", 100000))
    page = {**doc, "count": len(rows), "offset": offset, "limit": limit}
    page["observations"] = rows[offset : offset + limit]
    return httpx.Response(200, json=page)
