"""IPEADATA series values: OData v4 ``/api/odata4/ValoresSerie(SERCODIGO='<code>')``.

The body is ``{"@odata.context": ..., "value": [{"SERCODIGO", "VALDATA", "VALVALOR", "NIVNOME",
"TERCODIGO"}, ...]}``. ``VALDATA`` is a Sao Paulo midnight with its offset
("2022-11-23T00:00:00-03:00"; "-02:00" on the summer-time days before 2019): its first ten
characters are the observation date. ``VALVALOR`` is a JSON number, or null where IPEA has no
value (skipped: there is nothing to know). National series have an empty ``TERCODIGO``; regional
ones repeat each date per territory, so the territory is part of the key.

The window is asked of the server with ``$filter`` on ``VALDATA``. Its bounds are written with a
-02:00 offset so that a midnight at either offset of the first day is inside and one of the day
after the end is not: ``VALDATA ge {start}T00:00:00-02:00 and VALDATA lt {end+1}T00:00:00-02:00``.
Every row is checked again against that window in ``transform_data``.
Values are in the series' own unit (see the catalog: bp for EMBI+, % p.a. for the swap).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import odata_rows

SOURCE = "ipeadata"
ODATA_PATH = "/api/odata4/"
FIELDS = ("SERCODIGO", "VALDATA", "VALVALOR")
FIRST_DAY = date(1900, 1, 1)
_PATH = re.compile(r"/api/odata4/ValoresSerie\(SERCODIGO='([A-Za-z0-9_]+)'\)$")
_CODE = re.compile(r"^[A-Z0-9_]+$")
_VALDATA = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)$")
_FILTER = re.compile(
    r"^VALDATA ge (\d{4}-\d{2}-\d{2})T00:00:00-02:00 "
    r"and VALDATA lt (\d{4}-\d{2}-\d{2})T00:00:00-02:00$"
)


class IpeadataQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="IPEADATA SERCODIGO, e.g. 'JPM366_EMBI366'.")
    start: date
    end: date

    @field_validator("code")
    @classmethod
    def _sercodigo(cls, v: str) -> str:
        if not (v.isascii() and _CODE.match(v)):
            raise ValueError(f"IPEADATA codes are upper-case letters, digits and '_', got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> IpeadataQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def odata_filter(self) -> str:
        return window_filter(self.start, self.end)


def window_filter(start: date, end: date) -> str:
    nxt = end + timedelta(days=1)
    return f"VALDATA ge {start}T00:00:00-02:00 and VALDATA lt {nxt}T00:00:00-02:00"


class IpeadataRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    series_code: str = Field(description="IPEADATA SERCODIGO.")
    observation_date: date = Field(description="Local (Sao Paulo) date of VALDATA.")
    territory_code: str = Field(
        default="", description="TERCODIGO: '' for national series, else the territory's code."
    )
    value: Decimal = Field(description="VALVALOR, in the series' unit (see the catalog).")


def csv_record(code: str, day: date, value: Decimal) -> IpeadataRecord:
    """A row of a tidy ``ipeadata__<code>.csv`` file: a national value, known by catalog rule."""
    return IpeadataRecord(series_code=code, observation_date=day, value=value)


class IpeadataFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.ipeadata__values"
    key_columns: ClassVar[tuple[str, ...]] = ("series_code", "territory_code", "observation_date")
    value_columns: ClassVar[tuple[str, ...]] = ("value",)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> IpeadataQuery:
        return IpeadataQuery(**params)

    @staticmethod
    def extract_data(query: IpeadataQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{ODATA_PATH}ValoresSerie(SERCODIGO='{query.code}')"
        params: dict[str, str] | None = {"$filter": query.odata_filter()}
        payloads = []
        # OData servers may page with @odata.nextLink (IPEADATA has not been seen to): follow it.
        while True:
            resp = get_with_retries(client, url, params, source=SOURCE, item=query.code)
            request = {"url": url, "params": params or {}}
            if params is None:  # a nextLink: keep the window for transform_data's check
                request["window"] = [query.start.isoformat(), query.end.isoformat()]
            payloads.append(
                RawPayload(SOURCE, query.code, request, resp.content,
                           resp.headers.get("content-type"))
            )  # fmt: skip
            link = _next_link(resp.content)
            if not link or len(payloads) > 100:
                return payloads
            url, params = link, None

    @staticmethod
    def transform_data(payload: RawPayload) -> list[IpeadataRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        rows = odata_rows(payload.body, fail)
        window = _request_window(payload.request)
        records, seen = [], set()
        for i, row in enumerate(rows):
            rec = _record(payload.item, i, row, window, fail)
            if rec is None:
                continue
            key = (rec.territory_code, rec.observation_date)
            if key in seen:
                where = f" territory {rec.territory_code!r}" if rec.territory_code else ""
                raise fail(f"date {rec.observation_date}{where} appears twice")
            seen.add(key)
            records.append(rec)
        return records


def _next_link(body: bytes) -> str | None:
    try:
        link = json.loads(body).get("@odata.nextLink")
    except (ValueError, AttributeError):
        return None
    return link if isinstance(link, str) and link else None


def _record(
    code: str, i: int, row: Any, window: tuple[date, date] | None, fail: Any
) -> IpeadataRecord | None:
    if not isinstance(row, dict) or any(f not in row for f in FIELDS):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise fail(f"record {i} lacks one of {FIELDS} (has {keys})")
    if row["SERCODIGO"] != code:
        raise fail(f"record {i} is series {row['SERCODIGO']!r}, not the requested {code!r}")
    day = _day(i, row["VALDATA"], window, fail)
    value = _value(row["VALVALOR"], day, fail)
    if value is None:
        return None
    territory = row.get("TERCODIGO") or ""
    if not isinstance(territory, str):
        territory = str(territory)
    return IpeadataRecord(
        series_code=code, observation_date=day, territory_code=territory.strip(), value=value
    )


def _day(i: int, raw: Any, window: tuple[date, date] | None, fail: Any) -> date:
    m = _VALDATA.match(str(raw))
    if m is None:
        raise fail(f"record {i} VALDATA {raw!r} is not 'YYYY-MM-DDThh:mm:ss±hh:mm'")
    try:
        day = date.fromisoformat(m.group(1))
    except ValueError:
        raise fail(f"record {i} VALDATA {raw!r} is not a valid date") from None
    if not FIRST_DAY <= day <= date.today() + timedelta(days=366):
        raise fail(f"record {i} date {day} is out of range")
    if window and not window[0] <= day <= window[1]:
        raise fail(f"record {i} date {day} is outside the requested window {window}")
    return day


def _value(raw: Any, day: date, fail: Any) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        if "," in raw:
            raise fail(f"value {raw!r} at {day} uses a comma decimal separator")
        raise fail(f"value {raw!r} at {day} is a string, not a JSON number")
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise fail(f"value {raw!r} at {day} is not a number")
    value = Decimal(raw)
    if not value.is_finite():
        raise fail(f"value {raw!r} at {day} is not finite")
    return value


def _request_window(request: dict[str, Any]) -> tuple[date, date] | None:
    if request.get("window"):
        lo, hi = request["window"]
        return date.fromisoformat(lo), date.fromisoformat(hi)
    return _parse_filter((request.get("params") or {}).get("$filter"))


def _parse_filter(raw: str | None) -> tuple[date, date] | None:
    m = _FILTER.match(raw or "")
    if m is None:
        return None
    return date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)) - timedelta(days=1)


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer ``ValoresSerie(SERCODIGO='<code>')`` from ``ipeadata__<code>.json`` ($filter'ed)."""
    m = _PATH.search(request.url.path)
    if m is None:
        return None
    code = m.group(1)
    path = directory / f"ipeadata__{code}.json"
    if not path.exists():
        return httpx.Response(404, json={"error": {"message": f"no recorded series {code}"}})
    doc = json.loads(path.read_text())
    window = _parse_filter(request.url.params.get("$filter"))
    rows = doc["value"]
    if window:
        lo, hi = (d.isoformat() for d in window)
        rows = [r for r in rows if lo <= r["VALDATA"][:10] <= hi]
    return httpx.Response(200, json={**doc, "value": rows})
