"""B3 official index closes (Ibovespa…): the index statistics proxy, one calendar year a request.

``GET {b3_index_url}/indexStatisticsProxy/IndexCall/GetPortfolioDay/{token}`` where ``token`` is
the base64 of ``{"index":"IBOV","language":"pt-br","year":"2024"}`` (the JSON that B3's "Evolução
Diária" index page sends, and that rb3's ``b3-indexes-historical-data`` template reads). The
answer is a calendar grid, not a list::

    {"results": [{"day": 1, "rateValue1": null, "rateValue2": "127.182,40", …,
                  "rateValue12": "125.667,80"}, … {"day": 31, …}], …}

``rateValueN`` is month N of the requested year, in the Brazilian number format; a null cell is
a day without a session (weekend, holiday, 30 February). Other keys beside ``results`` (B3's
per-month ``min``/``max``) are ignored. B3 answers ``"results": null`` for an index or a year it
does not publish: that is refused, never read as an empty year. The field names
(``results``, ``day``, ``rateValue1``…``rateValue12``) follow public client code, not B3
documentation (there is none), and were not checked against a live answer here.

Series ids are ``b3_index__<index code>`` (``b3_index__IBOV``). The close of day D is known at
18:30 America/Sao_Paulo on D (``record_known_at``, and the catalog row for tidy CSV loads).
A close that B3 later restates adds a vintage.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries

SOURCE = "b3_index"
YEAR_PATH = "/indexStatisticsProxy/IndexCall/GetPortfolioDay/"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
RELEASE_TIME = time(18, 30)  # Sao Paulo, the day of the close
MONTH_FIELDS = tuple(f"rateValue{m}" for m in range(1, 13))
# Index points: a value outside this band is a parsing or unit error, not a market.
POINTS_BOUNDS = (Decimal("0.01"), Decimal("10000000"))
_BR_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$")
_DOT_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_YEAR_URL = re.compile(re.escape(YEAR_PATH) + r"([A-Za-z0-9+/=_-]+)$")


@dataclass(frozen=True)
class Index:
    code: str  # B3's index code (the token's "index"), also the platform code
    name: str
    first_year: int


INDEXES: tuple[Index, ...] = (
    Index("IBOV", "Ibovespa", 1968),
    Index("IBXX", "IBrX 100", 1995),
    Index("SMLL", "Small Cap", 2005),
    Index("IDIV", "Dividendos", 2005),
    Index("IFIX", "Fundos Imobiliarios", 2010),
)
BY_CODE = {i.code: i for i in INDEXES}


def index(code: str) -> Index:
    if code not in BY_CODE:
        raise KeyError(f"unknown B3 index {code!r}; known: {', '.join(BY_CODE)}")
    return BY_CODE[code]


def token(code: str, year: int) -> str:
    """base64 of the compact JSON B3's page sends for one index and year."""
    doc = {"index": code, "language": "pt-br", "year": str(year)}
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode("ascii")


def decode_token(text: str) -> dict[str, Any] | None:
    try:
        doc = json.loads(base64.b64decode(text + "=" * (-len(text) % 4), validate=False))
    except (binascii.Error, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def file_name(code: str, year: int) -> str:
    """The recorded year of one index: ``b3_index__<code>_<year>.json`` (B3's JSON as sent)."""
    return f"{SOURCE}__{code}_{year}.json"


class B3IndexQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(default="IBOV", description="B3 index code, e.g. 'IBOV'.")
    start: date
    end: date

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v.upper() not in BY_CODE:
            raise ValueError(f"unknown B3 index {v!r}; known: {', '.join(BY_CODE)}")
        return v.upper()

    @model_validator(mode="after")
    def _ordered(self) -> B3IndexQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        first = BY_CODE[self.code].first_year
        if self.end.year < first:
            raise ValueError(f"{self.code} starts in {first}, asked until {self.end}")
        return self

    def years(self) -> list[int]:
        """One request per calendar year touched by [start, end]."""
        return list(range(max(self.start.year, BY_CODE[self.code].first_year), self.end.year + 1))


class B3IndexClose(BaseModel):
    model_config = ConfigDict(frozen=True)

    index_code: str = Field(description="B3 index code, e.g. 'IBOV'.")
    trade_date: date = Field(description="The session of the close (B3 calendar).")
    close: Decimal = Field(
        description="Official closing level in index points (published '134.185,24')."
    )

    @field_validator("index_code")
    @classmethod
    def _known(cls, v: str) -> str:
        index(v)
        return v

    @field_validator("close")
    @classmethod
    def _plausible(cls, v: Decimal) -> Decimal:
        if not v.is_finite() or not POINTS_BOUNDS[0] <= v <= POINTS_BOUNDS[1]:
            raise ValueError(f"{v} is not a plausible index level in points")
        return v

    @property
    def observation_date(self) -> date:
        return self.trade_date


def csv_record(code: str, day: date, value: Decimal) -> B3IndexClose:
    """A row of a tidy ``b3_index__<code>.csv`` file (e.g. b3_index__IBOV.csv): the close."""
    index(code)
    return B3IndexClose(index_code=code, trade_date=day, close=value)


def record_known_at(record: B3IndexClose) -> datetime:
    """The close of day D is known at 18:30 Sao Paulo on D (as UTC)."""
    return datetime.combine(record.trade_date, RELEASE_TIME, tzinfo=SAO_PAULO).astimezone(UTC)


class B3IndexFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.b3_index__closes"
    key_columns: ClassVar[tuple[str, ...]] = ("index_code", "trade_date")
    value_columns: ClassVar[tuple[str, ...]] = ("close",)
    items: ClassVar[tuple[str, ...]] = ("IBOV",)
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> B3IndexQuery:
        return B3IndexQuery(**params)

    @staticmethod
    def extract_data(query: B3IndexQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        payloads = []
        for year in query.years():
            url = f"{base_url.rstrip('/')}{YEAR_PATH}{token(query.code, year)}"
            resp = get_with_retries(client, url, None, source=SOURCE, item=query.code)
            payloads.append(
                RawPayload(
                    source=SOURCE,
                    item=query.code,
                    request={"url": url, "index": query.code, "year": year},
                    body=resp.content,
                    content_type=resp.headers.get("content-type"),
                )
            )
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[B3IndexClose]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        code = payload.item.upper()
        if code not in BY_CODE:
            raise fail(f"unknown B3 index {payload.item!r}; known: {', '.join(BY_CODE)}")
        year = _request_year(payload, code, fail)
        results = _results(payload.body, fail)
        latest = payload.fetched_at.astimezone(SAO_PAULO).date()
        records, seen_days = [], set()
        for i, row in enumerate(results):
            day_of_month = _day_of_month(row, i, fail)
            if day_of_month in seen_days:
                raise fail(f"day {day_of_month} appears twice")
            seen_days.add(day_of_month)
            for day, raw in _cells(row, year, day_of_month, latest, fail):
                records.append(
                    B3IndexClose(index_code=code, trade_date=day, close=_points(raw, day, fail))
                )
        if len(seen_days) != 31:
            absent = sorted(set(range(1, 32)) - seen_days)
            raise fail(f"the grid lacks days {absent[:5]} (B3 sends days 1 to 31; truncated?)")
        records.sort(key=lambda r: r.trade_date)
        return records


def _day_of_month(row: Any, i: int, fail: Any) -> int:
    if not isinstance(row, dict):
        raise fail(f"results[{i}] is {type(row).__name__}, not an object")
    day_of_month = row.get("day")
    if isinstance(day_of_month, bool) or not isinstance(day_of_month, int):
        raise fail(f"results[{i}] has no integer 'day' ({day_of_month!r})")
    if not 1 <= day_of_month <= 31:
        raise fail(f"results[{i}] day {day_of_month} is not a day of a month")
    return day_of_month


def _cells(
    row: dict[str, Any], year: int, day_of_month: int, latest: date, fail: Any
) -> list[tuple[date, Any]]:
    """(date, raw close) of the row's non-null month cells; null is a day without a session."""
    missing = [f for f in MONTH_FIELDS if f not in row]
    if missing:
        raise fail(f"day {day_of_month} lacks {missing[:3]} (renamed fields?)")
    out = []
    for month, field in enumerate(MONTH_FIELDS, start=1):
        raw = row[field]
        if raw is None:
            continue
        try:
            day = date(year, month, day_of_month)
        except ValueError:
            where = f"{year}-{month:02d}-{day_of_month:02d}"
            raise fail(f"a close on {where}, a date that does not exist") from None
        if day > latest:
            raise fail(f"a close on {day}, after the fetch")
        if day.weekday() >= 5:
            raise fail(f"a close on {day}, a weekend day")
        out.append((day, raw))
    return out


def _request_year(payload: RawPayload, code: str, fail: Any) -> int:
    """The year asked for: the request's 'year', else the URL token's."""
    year = payload.request.get("year")
    m = _YEAR_URL.search(str(payload.request.get("url", "")))
    doc = decode_token(m.group(1)) if m else None
    if doc is not None:
        if str(doc.get("index", "")).upper() != code:
            raise fail(f"the request token asks for index {doc.get('index')!r}, not {code}")
        year = year if year is not None else doc.get("year")
    try:
        return int(str(year))
    except (TypeError, ValueError):
        raise fail("the request names no year (the payload cannot be dated)") from None


def _results(body: bytes, fail: Any) -> list[Any]:
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        raise fail("empty body (B3 answers 200 with no content to a malformed token)")
    if text.startswith("<"):
        raise fail(f"an HTML page instead of JSON: {text[:80]!r}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid or truncated JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(doc, dict):
        raise fail(f"expected a JSON object with 'results', got {type(doc).__name__}")
    if "results" not in doc:
        raise fail(f"no 'results' in the response (has {sorted(doc)[:6]})")
    results = doc["results"]
    if results is None:
        raise fail("results is null: B3 publishes nothing for this index and year")
    if not isinstance(results, list):
        raise fail(f"'results' is {type(results).__name__}, not a list")
    return results


def _points(raw: Any, day: date, fail: Any) -> Decimal:
    if not isinstance(raw, str):
        raise fail(f"close on {day} is {raw!r}; B3 sends Brazilian-format strings")
    text = raw.strip()
    if text in ("", "-"):
        raise fail(f"close on {day} is {raw!r}; B3 marks a day without a session with null")
    if _BR_NUMBER.match(text):
        value = Decimal(text.replace(".", "").replace(",", "."))
    elif _DOT_NUMBER.match(text):
        raise fail(f"close on {day} is {raw!r}: a dot decimal, B3 writes '134.185,24'")
    else:
        raise fail(f"close on {day} is {raw!r}, not a number in the Brazilian format")
    if not POINTS_BOUNDS[0] <= value <= POINTS_BOUNDS[1]:
        raise fail(f"close on {day} is {value}, not a plausible index level")
    return value


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a yearly request from ``b3_index__<code>_<year>.json`` (None: not this endpoint).

    A year or index without a recorded file gets B3's own answer: ``{"results": null}``.
    """
    m = _YEAR_URL.search(request.url.path)
    if m is None:
        return None
    doc = decode_token(m.group(1))
    if doc is None:
        return httpx.Response(200, content=b"")  # B3's answer to a malformed token
    code, year = str(doc.get("index", "")), str(doc.get("year", ""))
    path = directory / f"{SOURCE}__{code}_{year}.json"
    if not year.isdigit() or not path.exists():
        return httpx.Response(200, json={"results": None})
    return httpx.Response(
        200, content=path.read_bytes(), headers={"content-type": "application/json"}
    )
