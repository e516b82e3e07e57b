"""Tesouro Direto retail prices and rates: Tesouro Transparente's ``PrecoTaxaTesouroDireto.csv``.

``GET {tesouro_url}{CSV_PATH}`` (``/ckan/dataset/df56aa42-…/resource/796d2059-…/download/…``)
returns the whole history (2002 onwards) in one ';'-separated file with a decimal comma, dates
DD/MM/YYYY and the header ``Tipo Titulo;Data Vencimento;Data Base;Taxa Compra Manha;Taxa Venda
Manha;PU Compra Manha;PU Venda Manha;PU Base Manha``; rows such as ``Tesouro IPCA+ com Juros
Semestrais;15/05/2035;02/01/2024;5,67;5,79;4217,31;4178,22;4177,31``. Rates are % p.a. (for
Tesouro Selic, the spread over Selic); PUs are BRL per bond. A bond that was not offered for
purchase that day shows 0,00 as its buy rate and buy PU: stored as published.

One request answers every bond and date, so the fetcher makes one request whatever the window
(``one_request_for_all_codes``, item 'all') and ``transform_data`` keeps the rows whose base
date falls in the query's window (carried in the recorded request; a file loaded without one
keeps every row).

known_at: the "Manha" prices are the morning prices the Tesouro Direto platform opens with at
09:30 America/Sao_Paulo on the base date, and shows publicly from then on; a row is therefore
known at 09:30 Sao Paulo on its base date (``record_known_at``). The CSV itself is refreshed
later (often a few days late): the loader's max(release, fetch) rule still dates a revision by
when we saw it. All five published values are compared: any change is a new vintage.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import br_decimal

SOURCE = "tesouro"
ITEM = "all"
CSV_PATH = (
    "/ckan/dataset/df56aa42-484a-4a59-8184-7676580c81e3/resource/"
    "796d2059-14e9-44e3-80c9-2d9e30b405c1/download/PrecoTaxaTesouroDireto.csv"
)
HEADER = (
    "Tipo Titulo",
    "Data Vencimento",
    "Data Base",
    "Taxa Compra Manha",
    "Taxa Venda Manha",
    "PU Compra Manha",
    "PU Venda Manha",
    "PU Base Manha",
)
FIRST_BASE_DATE = date(2002, 1, 7)  # Tesouro Direto opened in January 2002
KNOWN_AT_LOCAL = time(9, 30)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# % p.a.: a value outside is a shifted column or a unit error, not a retail rate.
RATE_BOUNDS = (Decimal(-5), Decimal(50))
_DMY = re.compile(r"\d{2}/\d{2}/\d{4}")


def sample_file_name() -> str:
    """The recorded file: ``tesouro__all.csv`` (the whole history, as served)."""
    return f"{SOURCE}__{ITEM}.csv"


class TesouroQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date = Field(description="First base date kept.")
    end: date = Field(description="Last base date kept.")
    code: str = Field(
        default=ITEM, description="'all' (or the ingest loop's 'curve'): one file holds every bond."
    )

    @field_validator("code")
    @classmethod
    def _all_only(cls, v: str) -> str:
        if v.lower() not in (ITEM, "curve"):
            raise ValueError(
                f"the Tesouro Direto file holds every bond: code must be 'all', got {v!r}"
            )
        return ITEM

    @model_validator(mode="after")
    def _ordered(self) -> TesouroQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.end < FIRST_BASE_DATE:
            raise ValueError(f"Tesouro Direto starts on {FIRST_BASE_DATE}, asked until {self.end}")
        return self


class TesouroPrice(BaseModel):
    """One Tesouro Direto bond's morning rates and prices on one base date."""

    model_config = ConfigDict(frozen=True)

    base_date: date = Field(description="Data Base: the day of the prices.")
    bond_name: str = Field(description="Tipo Titulo, e.g. 'Tesouro IPCA+', 'Tesouro Selic'.")
    maturity_date: date = Field(description="Data Vencimento.")
    buy_rate: Decimal = Field(
        description="Taxa Compra Manha, % p.a. (the investor buys at it); 0 when not offered."
    )
    sell_rate: Decimal = Field(description="Taxa Venda Manha, % p.a. (the investor redeems at it).")
    buy_pu: Decimal = Field(ge=0, description="PU Compra Manha, BRL per bond; 0 when not offered.")
    sell_pu: Decimal = Field(ge=0, description="PU Venda Manha, BRL per bond.")
    base_pu: Decimal = Field(ge=0, description="PU Base Manha, BRL per bond.")

    @field_validator("bond_name")
    @classmethod
    def _tesouro_name(cls, v: str) -> str:
        if not v.startswith("Tesouro "):
            raise ValueError(f"a Tesouro Direto bond name starts with 'Tesouro ', got {v!r}")
        return v


def record_known_at(record: TesouroPrice) -> datetime:
    """Morning prices: public at 09:30 Sao Paulo on the base date, as UTC."""
    local = datetime.combine(record.base_date, KNOWN_AT_LOCAL, tzinfo=SAO_PAULO)
    return local.astimezone(UTC)


class TesouroFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.tesouro__prices"
    key_columns: ClassVar[tuple[str, ...]] = ("base_date", "bond_name", "maturity_date")
    value_columns: ClassVar[tuple[str, ...]] = (
        "buy_rate",
        "sell_rate",
        "buy_pu",
        "sell_pu",
        "base_pu",
    )
    # Not catalogued series: the one item, and one request whatever the window.
    items: ClassVar[tuple[str, ...]] = (ITEM,)
    one_request_for_all_codes: ClassVar[bool] = True
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> TesouroQuery:
        return TesouroQuery(**params)

    @staticmethod
    def extract_data(query: TesouroQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{CSV_PATH}"
        resp = get_with_retries(client, url, None, source=SOURCE, item=ITEM)
        window = {"start": query.start.isoformat(), "end": query.end.isoformat()}
        return [
            RawPayload(
                source=SOURCE,
                item=ITEM,
                request={"url": url, "window": window},
                body=resp.content,
                content_type=resp.headers.get("content-type"),
            )
        ]

    @staticmethod
    def transform_data(payload: RawPayload) -> list[TesouroPrice]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        start, end = _window(payload.request, fail)
        rows = _read(payload.body, fail)
        latest = payload.fetched_at.date() + timedelta(days=7)
        dates: dict[str, date] = {}
        records, seen = [], set()
        for line_no, row in rows:
            rec = _price_row(row, line_no, (start, end), latest, dates, fail)
            if rec is None:
                continue  # the file is the whole history; the query asks a window
            key = (rec.base_date, rec.bond_name, rec.maturity_date)
            if key in seen:
                raise fail(f"{key[1]} {key[2]} on {key[0]} appears twice")
            seen.add(key)
            records.append(rec)
        if not rows:
            raise fail("the header is not followed by any row (truncated file?)")
        return records


def _price_row(
    row: list[str],
    line_no: int,
    window: tuple[date, date],
    latest: date,
    dates: dict[str, date],
    fail: Any,
) -> TesouroPrice | None:
    """The row's record, or None when its base date is outside the window."""
    if len(row) != len(HEADER):
        raise fail(f"line {line_no} has {len(row)} fields, expected {len(HEADER)} (truncated?)")
    name, mat_raw, base_raw, *numbers = (c.strip() for c in row)
    base = _dmy(base_raw, f"line {line_no} Data Base", dates, fail)
    if not FIRST_BASE_DATE <= base <= latest:
        raise fail(f"line {line_no} base date {base} is out of range")
    if not window[0] <= base <= window[1]:
        return None
    mat = _dmy(mat_raw, f"line {line_no} Data Vencimento", dates, fail)
    if not name.startswith("Tesouro "):
        raise fail(f"line {line_no}: {name!r} is not a Tesouro Direto bond name")
    what = f"{name} {mat} on {base}"
    if mat < base:
        raise fail(f"{what}: matured before its base date")
    values = [
        br_decimal(v, f"{what} {h}", fail, example="4217,31")
        for v, h in zip(numbers, HEADER[3:], strict=True)
    ]
    for rate, h in zip(values[:2], HEADER[3:5], strict=True):
        if not RATE_BOUNDS[0] <= rate <= RATE_BOUNDS[1]:
            raise fail(f"{what} {h} {rate} is outside {RATE_BOUNDS[0]}..{RATE_BOUNDS[1]}")
    for pu, h in zip(values[2:], HEADER[5:], strict=True):
        if pu < 0:
            raise fail(f"{what} {h} {pu} is negative")
    buy_rate, sell_rate, buy_pu, sell_pu, base_pu = values
    return TesouroPrice.model_construct(  # every field checked above
        base_date=base,
        bond_name=name,
        maturity_date=mat,
        buy_rate=buy_rate,
        sell_rate=sell_rate,
        buy_pu=buy_pu,
        sell_pu=sell_pu,
        base_pu=base_pu,
    )


def _window(request: dict[str, Any], fail: Any) -> tuple[date, date]:
    window = request.get("window")
    if not window:
        return date.min, date.max
    try:
        return date.fromisoformat(window["start"]), date.fromisoformat(window["end"])
    except (KeyError, TypeError, ValueError):
        raise fail(f"the recorded window {window!r} is not {{start, end}} ISO dates") from None


def _decode(body: bytes) -> str:
    # Served as UTF-8 (with or without a BOM); older copies are Windows-1252.
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _read(body: bytes, fail: Any) -> list[tuple[int, list[str]]]:
    text = _decode(body)
    if not text.strip():
        raise fail("empty body")
    head = text.lstrip()[:500].lower()
    if head.startswith("<") or "<html" in head:
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        shown = " ".join((title.group(1) if title else re.sub(r"<[^>]*>", " ", text)).split())
        raise fail(f"an HTML page, not the CSV (error page?): {shown[:120]!r}")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = tuple(h.strip() for h in next(reader))
    if header != HEADER:
        raise fail(f"unexpected header {';'.join(header)!r}; expected {';'.join(HEADER)!r}")
    return [(n, row) for n, row in enumerate(reader, start=2) if row]


def _dmy(raw: str, what: str, cache: dict[str, date], fail: Any) -> date:
    if (day := cache.get(raw)) is not None:
        return day
    if not _DMY.fullmatch(raw):
        raise fail(f"{what} {raw!r} is not DD/MM/YYYY")
    try:
        day = datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise fail(f"{what} {raw!r} is not a date") from None
    cache[raw] = day
    return day


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer the CSV request from ``tesouro__all.csv`` (None: not this endpoint)."""
    if not request.url.path.endswith(CSV_PATH):
        return None
    recorded = directory / sample_file_name()
    if not recorded.exists():
        return httpx.Response(404, text="Not Found")
    headers = {"content-type": "text/csv"}
    return httpx.Response(200, content=recorded.read_bytes(), headers=headers)
