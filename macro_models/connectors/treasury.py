"""US Treasury daily par yield curve: ``daily-treasury-rates.csv/{year}/all`` (one CSV a year).

The Treasury serves one calendar year per request, newest date first, one column per tenor with
headers as published (``"1 Mo"``, ``"1.5 Month"``, ``"10 Yr"``…). A tenor that did not exist for
the whole year is absent from that year's header (the 30-year in 2003) and blank on the days
before it started (``"2 Mo"`` before 16 October 2018, ``"4 Mo"`` before 19 October 2022,
``"1.5 Month"`` before 18 February 2025): a blank cell is no observation, never an error.
Columns are read by name, never by position.

One payload is one year of the whole curve (item = the year), so records are dated by the
fetcher itself (``record_known_at``): the curve of day D is published at about 18:00 New York
on D. The catalog rows ``treasury__<tenor code>`` state the same rule for tidy CSV loads.
A day that Treasury corrects later changes a value: the loader adds a new vintage.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries

SOURCE = "treasury"
CURVE_PATH = "/resource-center/data-chart-center/interest-rates/daily-treasury-rates.csv"
CURVE_TYPE = "daily_treasury_yield_curve"
NEW_YORK = ZoneInfo("America/New_York")
RELEASE_TIME = time(18, 0)  # New York, the day of the curve
FIRST_YEAR = 1990  # the par yield curve series starts on 2 January 1990
# Par yields are percent per annum; a value outside this band is a unit or parsing error
# (basis points, a shifted column), not a market.
YIELD_BOUNDS = (Decimal("-1"), Decimal("25"))
_YEAR_PATH = re.compile(re.escape(CURVE_PATH) + r"/(\d{4})/all$")


@dataclass(frozen=True)
class Tenor:
    label: str  # the column header as Treasury publishes it
    code: str  # the platform code: series id treasury__<code>
    months: Decimal
    since_year: int  # first calendar year whose CSV has the column for the whole year
    absent_years: tuple[int, ...] = ()  # years without the column (30-year 2002–2006)


TENORS: tuple[Tenor, ...] = (
    Tenor("1 Mo", "1M", Decimal(1), 2002),
    Tenor("1.5 Month", "6W", Decimal("1.5"), 2026),  # the six-week bill, from 2025-02-18
    Tenor("2 Mo", "2M", Decimal(2), 2019),  # from 2018-10-16
    Tenor("3 Mo", "3M", Decimal(3), FIRST_YEAR),
    Tenor("4 Mo", "4M", Decimal(4), 2023),  # from 2022-10-19
    Tenor("6 Mo", "6M", Decimal(6), FIRST_YEAR),
    Tenor("1 Yr", "1Y", Decimal(12), FIRST_YEAR),
    Tenor("2 Yr", "2Y", Decimal(24), FIRST_YEAR),
    Tenor("3 Yr", "3Y", Decimal(36), FIRST_YEAR),
    Tenor("5 Yr", "5Y", Decimal(60), FIRST_YEAR),
    Tenor("7 Yr", "7Y", Decimal(84), FIRST_YEAR),
    Tenor("10 Yr", "10Y", Decimal(120), FIRST_YEAR),
    Tenor("20 Yr", "20Y", Decimal(240), 1994),  # from 1993-10-01
    Tenor("30 Yr", "30Y", Decimal(360), FIRST_YEAR, absent_years=(2002, 2003, 2004, 2005, 2006)),
)
BY_LABEL = {t.label: t for t in TENORS}
BY_CODE = {t.code: t for t in TENORS}


def required_labels(year: int) -> list[str]:
    """Tenor columns that a CSV of ``year`` must have: those that existed all year."""
    return [t.label for t in TENORS if t.since_year <= year and year not in t.absent_years]


class TreasuryQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str | None = Field(
        default=None,
        description="A tenor code (e.g. '10Y') or 'curve'; every request returns the whole curve.",
    )
    start: date
    end: date

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str | None) -> str | None:
        if v is not None and v != "curve" and v not in BY_CODE:
            raise ValueError(f"unknown Treasury tenor code {v!r}; known: {', '.join(BY_CODE)}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> TreasuryQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.end.year < FIRST_YEAR:
            raise ValueError(f"the par yield curve starts in {FIRST_YEAR}, asked until {self.end}")
        return self

    def years(self) -> list[int]:
        """One request per calendar year touched by [start, end]."""
        return list(range(max(self.start.year, FIRST_YEAR), self.end.year + 1))


class TreasuryRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    curve_date: date = Field(description="Business day of the curve (MM/DD/YYYY at source).")
    tenor: str = Field(description="Tenor header as published, e.g. '10 Yr', '1.5 Month'.")
    tenor_months: Decimal = Field(description="Tenor in months (1.5 for the six-week bill).")
    yield_pct: Decimal = Field(
        description="Par yield, % p.a. on a bond-equivalent (semi-annual) basis, as published."
    )

    @field_validator("tenor")
    @classmethod
    def _published_tenor(cls, v: str) -> str:
        if v not in BY_LABEL:
            raise ValueError(f"unknown tenor {v!r}")
        return v

    @property
    def observation_date(self) -> date:
        return self.curve_date

    @property
    def code(self) -> str:
        return BY_LABEL[self.tenor].code


def csv_record(code: str, day: date, value: Decimal) -> TreasuryRecord:
    """A row of a tidy ``treasury__<tenor code>.csv`` file (e.g. treasury__10Y.csv)."""
    if code not in BY_CODE:
        raise KeyError(f"unknown Treasury tenor code {code!r}; known: {', '.join(BY_CODE)}")
    tenor = BY_CODE[code]
    return TreasuryRecord(
        curve_date=day, tenor=tenor.label, tenor_months=tenor.months, yield_pct=value
    )


class TreasuryFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.treasury__par_yields"
    # tenor_months follows from tenor; it rides in the key so that every load path stores it.
    key_columns: ClassVar[tuple[str, ...]] = ("curve_date", "tenor", "tenor_months")
    value_columns: ClassVar[tuple[str, ...]] = ("yield_pct",)
    # Every request returns the whole curve, whatever tenor code is asked: an ingest loop over
    # the catalogued codes needs one query, not one per code (read by nothing yet).
    one_request_for_all_codes: ClassVar[bool] = True

    @staticmethod
    def transform_query(params: dict[str, Any]) -> TreasuryQuery:
        return TreasuryQuery(**params)

    @staticmethod
    def extract_data(query: TreasuryQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        payloads = []
        for year in query.years():
            url = f"{base_url.rstrip('/')}{CURVE_PATH}/{year}/all"
            params = {
                "type": CURVE_TYPE,
                "field_tdr_date_value": str(year),
                "page": "",
                "_format": "csv",
            }
            resp = get_with_retries(client, url, params, source=SOURCE, item=str(year))
            payloads.append(
                RawPayload(
                    source=SOURCE,
                    item=str(year),
                    request={"url": url, "params": params},
                    body=resp.content,
                    content_type=resp.headers.get("content-type"),
                )
            )
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[TreasuryRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        year = _request_year(payload)
        header, rows = _read_csv(payload.body, fail)
        columns = _tenor_columns(header, year, fail)
        latest = payload.fetched_at.astimezone(NEW_YORK).date()
        records, seen = [], set()
        for line_no, row in rows:
            if len(row) != len(header):
                raise fail(
                    f"line {line_no} has {len(row)} fields, the header {len(header)} "
                    "(truncated, or a comma decimal separator)"
                )
            day = _parse_date(row[0], line_no, year, latest, fail)
            if day in seen:
                raise fail(f"date {day} appears twice")
            seen.add(day)
            for i, tenor in columns:
                value = _parse_yield(row[i], day, tenor, fail)
                if value is not None:
                    records.append(
                        TreasuryRecord(
                            curve_date=day,
                            tenor=tenor.label,
                            tenor_months=tenor.months,
                            yield_pct=value,
                        )
                    )
        return records

    @staticmethod
    def record_known_at(record: TreasuryRecord) -> datetime:
        """The curve of day D is published at about 18:00 New York on D (as UTC)."""
        return datetime.combine(record.curve_date, RELEASE_TIME, tzinfo=NEW_YORK).astimezone(UTC)


def _request_year(payload: RawPayload) -> int | None:
    """The year asked for (query param, else the URL path, else a 4-digit item), if any."""
    params = payload.request.get("params") or {}
    raw = params.get("field_tdr_date_value")
    if raw is None:
        m = _YEAR_PATH.search(str(payload.request.get("url", "")))
        raw = m.group(1) if m else (payload.item if payload.item.isdigit() else None)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _read_csv(body: bytes, fail: Any) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = body.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise fail("empty body")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        raise fail(f"an HTML page instead of CSV: {stripped[:80]!r}")
    if stripped.startswith(("{", "[")):
        raise fail(f"JSON instead of CSV: {stripped[:80]!r}")
    try:
        lines = list(csv.reader(io.StringIO(text.strip("\r\n"), newline=""), strict=True))
    except csv.Error as exc:
        raise fail(f"unreadable or truncated CSV ({exc})") from None
    header = [h.strip() for h in lines[0]]
    rows = [(n, row) for n, row in enumerate(lines[1:], start=2) if any(c.strip() for c in row)]
    return header, rows


def _tenor_columns(header: list[str], year: int | None, fail: Any) -> list[tuple[int, Tenor]]:
    if not header or header[0] != "Date":
        raise fail(f"the first column must be 'Date', got {header[0] if header else ''!r}")
    columns, seen = [], set()
    for i, label in enumerate(header[1:], start=1):
        if label not in BY_LABEL:
            raise fail(f"unknown column {label!r}; known tenors: {', '.join(BY_LABEL)}")
        if label in seen:
            raise fail(f"column {label!r} appears twice")
        seen.add(label)
        columns.append((i, BY_LABEL[label]))
    if not columns:
        raise fail("no tenor columns")
    if year is not None:
        missing = [label for label in required_labels(year) if label not in seen]
        if missing:
            raise fail(f"the {year} curve lacks the columns {missing}")
    return columns


def _parse_date(raw: str, line_no: int, year: int | None, latest: date, fail: Any) -> date:
    try:
        day = datetime.strptime(raw.strip(), "%m/%d/%Y").date()
    except ValueError:
        raise fail(f"line {line_no} date {raw!r} is not MM/DD/YYYY") from None
    if year is not None and day.year != year:
        raise fail(f"line {line_no} date {day} is outside the requested year {year}")
    if not date(FIRST_YEAR, 1, 1) <= day <= latest:
        raise fail(f"line {line_no} date {day} is out of range (after the fetch, or before 1990)")
    if day.weekday() >= 5:
        raise fail(f"line {line_no} date {day} is a weekend day")
    return day


def _parse_yield(raw: str, day: date, tenor: Tenor, fail: Any) -> Decimal | None:
    text = raw.strip()
    if text == "":
        return None  # the tenor has no observation that day (not issued yet)
    if "," in text:
        raise fail(f"{tenor.label} at {day}: {text!r} uses a comma; Treasury uses '.' decimals")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise fail(f"{tenor.label} at {day}: {text!r} is not a number") from None
    if not value.is_finite():
        raise fail(f"{tenor.label} at {day}: {text!r} is not finite")
    if not YIELD_BOUNDS[0] <= value <= YIELD_BOUNDS[1]:
        raise fail(f"{tenor.label} at {day}: {text} is not a plausible yield in % p.a.")
    return value


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a par-yield-curve request from ``treasury__<year>.csv`` (None: not this endpoint).

    The file holds the year's CSV body; a file written by a JSON writer (a JSON string holding
    the CSV text) is read too.
    """
    m = _YEAR_PATH.search(request.url.path)
    if m is None:
        return None
    year = m.group(1)
    params = request.url.params
    if params.get("type") != CURVE_TYPE or params.get("field_tdr_date_value", year) != year:
        return httpx.Response(404, text=f"no recorded Treasury data for {request.url}")
    path = directory / f"treasury__{year}.csv"
    if not path.exists():
        return httpx.Response(404, text=f"no recorded Treasury curve for {year}")
    text = path.read_text()
    if text.startswith('"'):
        text = json.loads(text)
    return httpx.Response(200, text=text, headers={"content-type": "text/csv; charset=utf-8"})
