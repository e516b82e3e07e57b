"""BCB SGS time series: ``/dados/serie/bcdata.sgs.{code}/dados`` (JSON list of data/valor).

The endpoint refuses windows longer than ten years for daily series, so long queries are split.
Values are published with a dot decimal separator, in the series' own unit (see the catalog).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import json_body

SOURCE = "bcb_sgs"
_SGS_PATH = re.compile(r"/dados/serie/bcdata\.sgs\.(\d+)/dados$")
MAX_WINDOW_YEARS = 10


class SgsQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="SGS series code, e.g. '432' for the Selic target.")
    start: date
    end: date

    @field_validator("code")
    @classmethod
    def _numeric_code(cls, v: str) -> str:
        if not (v.isascii() and v.isdigit()):  # str.isdigit alone admits '²', '٤٣٢'
            raise ValueError(f"SGS codes are numbers, got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> SgsQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def windows(self) -> list[tuple[date, date]]:
        """Consecutive windows of at most ten years covering [start, end]."""
        out, lo = [], self.start
        while lo <= self.end:
            hi = min(_add_years(lo, MAX_WINDOW_YEARS) - timedelta(days=1), self.end)
            out.append((lo, hi))
            lo = hi + timedelta(days=1)
        return out


class SgsRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    series_code: str = Field(description="SGS series code.")
    observation_date: date = Field(description="Date the value refers to (dd/mm/yyyy at source).")
    value: Decimal = Field(description="Value as published, in the series' unit.")


def csv_record(code: str, day: date, value: Decimal) -> SgsRecord:
    """A row of a tidy ``bcb_sgs__<code>.csv`` file as the record a fetch would give."""
    return SgsRecord(series_code=code, observation_date=day, value=value)


class BcbSgsFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.bcb_sgs__series"
    key_columns: ClassVar[tuple[str, ...]] = ("series_code", "observation_date")
    value_columns: ClassVar[tuple[str, ...]] = ("value",)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> SgsQuery:
        return SgsQuery(**params)

    @staticmethod
    def extract_data(query: SgsQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}/dados/serie/bcdata.sgs.{query.code}/dados"
        payloads = []
        for lo, hi in query.windows():
            params = {
                "formato": "json",
                "dataInicial": lo.strftime("%d/%m/%Y"),
                "dataFinal": hi.strftime("%d/%m/%Y"),
            }
            resp = get_with_retries(client, url, params, source=SOURCE, item=query.code)
            payloads.append(
                RawPayload(
                    source=SOURCE,
                    item=query.code,
                    request={"url": url, "params": params},
                    body=resp.content,
                    content_type=resp.headers.get("content-type"),
                )
            )
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[SgsRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        rows = _parse_json_list(payload.body, fail)
        window = _request_window(payload.request)
        records, seen = [], set()
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or "data" not in row or "valor" not in row:
                keys = sorted(row) if isinstance(row, dict) else type(row).__name__
                raise fail(f"record {i} lacks the 'data'/'valor' fields (has {keys})")
            day = _parse_date(row["data"], i, fail)
            if window and not window[0] <= day <= window[1]:
                raise fail(f"record {i} date {day} is outside the requested window {window}")
            if day in seen:
                raise fail(f"date {day} appears twice")
            seen.add(day)
            value = _parse_value(row["valor"], day, fail)
            records.append(SgsRecord(series_code=payload.item, observation_date=day, value=value))
        return records


def _parse_json_list(body: bytes, fail: Any) -> list[Any]:
    data = json_body(body, fail)
    if isinstance(data, dict):
        raise fail(f"an error object instead of a list: {str(data)[:120]}")
    if not isinstance(data, list):
        raise fail(f"expected a JSON list, got {type(data).__name__}")
    return data


def _parse_date(raw: Any, i: int, fail: Any) -> date:
    try:
        day = datetime.strptime(str(raw), "%d/%m/%Y").date()
    except ValueError:
        raise fail(f"record {i} date {raw!r} is not dd/mm/yyyy") from None
    if not date(1900, 1, 1) <= day <= date.today() + timedelta(days=366):
        raise fail(f"record {i} date {day} is out of range")
    return day


def _parse_value(raw: Any, day: date, fail: Any) -> Decimal:
    text = str(raw).strip()
    if text in ("", "-", "null", "None"):
        raise fail(f"value at {day} is missing ({raw!r})")
    if "," in text:
        raise fail(f"value {text!r} at {day} uses a comma decimal separator; SGS JSON uses '.'")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise fail(f"value {text!r} at {day} is not a number") from None
    if not value.is_finite():
        raise fail(f"value {text!r} at {day} is not finite")
    return value


def _request_window(request: dict[str, Any]) -> tuple[date, date] | None:
    params = request.get("params") or {}
    try:
        lo = datetime.strptime(params["dataInicial"], "%d/%m/%Y").date()
        hi = datetime.strptime(params["dataFinal"], "%d/%m/%Y").date()
    except (KeyError, ValueError):
        return None
    return lo, hi


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer an SGS request from ``bcb_sgs__<code>.json`` (None: not an SGS request)."""
    m = _SGS_PATH.search(request.url.path)
    if m is None:
        return None
    code = m.group(1)
    path = directory / f"bcb_sgs__{code}.json"
    if not path.exists():
        return httpx.Response(404, json={"error": f"no recorded series {code}"})
    rows = json.loads(path.read_text())
    lo, hi = (request.url.params.get(k) for k in ("dataInicial", "dataFinal"))
    if lo and hi:
        start = datetime.strptime(lo, "%d/%m/%Y").date()
        end = datetime.strptime(hi, "%d/%m/%Y").date()
        rows = [r for r in rows if start <= datetime.strptime(r["data"], "%d/%m/%Y").date() <= end]
    return httpx.Response(200, json=rows)
