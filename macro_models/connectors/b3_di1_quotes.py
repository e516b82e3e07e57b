"""B3 DI1 intraday quotes: ``GET {b3_quotes_url}/mds/api/v1/DerivativeQuotation/DI1`` (JSON).

The endpoint serves the *current* session only (no history): ``Msg.dtTm`` (the quote time,
Sao Paulo) and a ``Scty`` list, one item per listed instrument: ``symb`` ('DI1F25'), ``mkt.cd``
('FUT'), ``asset.code`` ('DI1'), ``asset.AsstSummry`` (``mtrtyCode`` 'YYYY-MM-DD', ``opnCtrcts``,
``tradQty``, ``traddCtrctsQty``), ``SctyQtn`` (``curPrc``, ``prvsDayAdjstmntPric``, ``opngPric``,
``minPric``, ``maxPric``, ``avrgPric``; for DI1 these are rates in % p.a. base 252) and
``buyOffer.price`` / ``sellOffer.price``. A contract not yet traded today has no ``curPrc``.

Each fetch is a snapshot known at its quote time; a snapshot whose last/bid/ask/volume did not
change adds nothing. Settlements (the day's official prices) come from ``b3_di1``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from macro_models.connectors.b3_di1 import ITEM, SAO_PAULO
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import json_body
from macro_models.instruments import di1

SOURCE = "b3"
QUOTES_PATH = "/mds/api/v1/DerivativeQuotation/DI1"
RATE_RANGE = (Decimal("-5"), Decimal("100"))
_RATES = {  # record field -> SctyQtn / offer field
    "last_rate_pct": ("SctyQtn", "curPrc"),
    "previous_settlement_rate_pct": ("SctyQtn", "prvsDayAdjstmntPric"),
    "open_rate_pct": ("SctyQtn", "opngPric"),
    "min_rate_pct": ("SctyQtn", "minPric"),
    "max_rate_pct": ("SctyQtn", "maxPric"),
    "avg_rate_pct": ("SctyQtn", "avrgPric"),
    "bid_rate_pct": ("buyOffer", "price"),
    "ask_rate_pct": ("sellOffer", "price"),
}
_COUNTS = {"open_contracts": "opnCtrcts", "trades": "tradQty", "traded_contracts": "traddCtrctsQty"}


class B3Di1QuotesQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(default=ITEM, description="Only 'DI1'.")

    @field_validator("code")
    @classmethod
    def _di1_only(cls, v: str) -> str:
        if v.upper() != ITEM:
            raise ValueError(f"this endpoint module quotes DI1 only, got code {v!r}")
        return ITEM


class B3Di1Quote(BaseModel):
    """One DI1 contract's quote in one snapshot of the current session."""

    model_config = ConfigDict(frozen=True)

    quote_time: datetime = Field(description="Msg.dtTm (Sao Paulo) as UTC.")
    trade_date: date = Field(description="The session (Sao Paulo date of quote_time).")
    ticker: str = Field(description="B3 ticker, e.g. DI1F25.")
    maturity_date: date = Field(description="asset.AsstSummry.mtrtyCode.")
    business_days: int = Field(ge=0, description="B3's du from trade_date to maturity_date.")
    last_rate_pct: Decimal | None = Field(description="Last trade, % p.a.; null if untraded.")
    previous_settlement_rate_pct: Decimal | None = Field(description="Yesterday's settlement.")
    open_rate_pct: Decimal | None = None
    min_rate_pct: Decimal | None = None
    max_rate_pct: Decimal | None = None
    avg_rate_pct: Decimal | None = None
    bid_rate_pct: Decimal | None = Field(default=None, description="Best bid (a rate), % p.a.")
    ask_rate_pct: Decimal | None = Field(default=None, description="Best offer, % p.a.")
    open_contracts: int | None = Field(default=None, ge=0)
    trades: int | None = Field(default=None, ge=0)
    traded_contracts: int | None = Field(default=None, ge=0)


def record_known_at(record: B3Di1Quote) -> datetime:
    """A quote is known at its quote time."""
    return record.quote_time


class B3Di1QuotesFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.b3__di1_quotes"
    key_columns: ClassVar[tuple[str, ...]] = ("trade_date", "ticker")
    value_columns: ClassVar[tuple[str, ...]] = (
        "last_rate_pct",
        "bid_rate_pct",
        "ask_rate_pct",
        "traded_contracts",
    )
    extra_columns: ClassVar[tuple[str, ...]] = (
        "quote_time",
        "maturity_date",
        "business_days",
        "previous_settlement_rate_pct",
        "open_rate_pct",
        "min_rate_pct",
        "max_rate_pct",
        "avg_rate_pct",
        "open_contracts",
        "trades",
    )
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> B3Di1QuotesQuery:
        # The endpoint has no window: start/end of a generic ingest call do not apply.
        return B3Di1QuotesQuery(**{k: v for k, v in params.items() if k not in ("start", "end")})

    @staticmethod
    def extract_data(
        query: B3Di1QuotesQuery, client: httpx.Client, base_url: str
    ) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{QUOTES_PATH}"
        resp = get_with_retries(client, url, {}, source=SOURCE, item=f"{query.code}_quotes")
        return [
            RawPayload(
                source=SOURCE,
                item=f"{query.code}_quotes",
                request={"url": url},
                body=resp.content,
                content_type=resp.headers.get("content-type"),
            )
        ]

    @staticmethod
    def transform_data(payload: RawPayload) -> list[B3Di1Quote]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        doc = _parse_object(payload.body, fail)
        quote_time = _quote_time(doc, payload.fetched_at, fail)
        items = doc.get("Scty")
        if not isinstance(items, list):
            raise fail("no 'Scty' list in the response")
        records, seen = [], set()
        for i, item in enumerate(items):
            rec = _quote(i, item, quote_time, fail)
            if rec is None:
                continue
            if rec.ticker in seen:
                raise fail(f"{rec.ticker} appears twice")
            seen.add(rec.ticker)
            records.append(rec)
        return records


def _parse_object(body: bytes, fail: Any) -> dict[str, Any]:
    doc = json_body(body, fail)
    if not isinstance(doc, dict):
        raise fail(f"expected a JSON object, got {type(doc).__name__}")
    status = (doc.get("BizSts") or {}).get("cd", "OK")
    if status != "OK":
        raise fail(f"B3 business status {status!r}: {doc.get('BizSts')}")
    return doc


def _quote_time(doc: dict[str, Any], fetched_at: datetime, fail: Any) -> datetime:
    raw = (doc.get("Msg") or {}).get("dtTm")
    try:
        local = datetime.fromisoformat(str(raw))
    except ValueError:
        raise fail(f"Msg.dtTm {raw!r} is not a 'YYYY-MM-DD HH:MM:SS' time") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=SAO_PAULO)
    quote_time = local.astimezone(UTC)
    if quote_time > fetched_at + timedelta(minutes=10):
        raise fail(f"quote time {quote_time} is after the fetch time {fetched_at}")
    return quote_time


def _quote(i: int, item: Any, quote_time: datetime, fail: Any) -> B3Di1Quote | None:
    if not isinstance(item, dict) or not {"symb", "SctyQtn", "asset"} <= set(item):
        keys = sorted(item) if isinstance(item, dict) else type(item).__name__
        raise fail(f"Scty item {i} lacks one of symb/SctyQtn/asset (has {keys})")
    asset, market = item["asset"], item.get("mkt") or {}
    if asset.get("code") != ITEM or market.get("cd", "FUT") != "FUT":
        return None  # options and other instruments on the same page
    ticker = str(item["symb"])
    summary = asset.get("AsstSummry") or {}
    try:
        maturity = di1.maturity_date(ticker)
        theirs = date.fromisoformat(str(summary.get("mtrtyCode")))
    except ValueError as exc:
        raise fail(f"Scty item {i} {ticker}: {exc}") from None
    if theirs != maturity:
        raise fail(f"{ticker} mtrtyCode {theirs} is not its maturity {maturity}")
    trade_date = quote_time.astimezone(SAO_PAULO).date()
    if maturity < trade_date:
        raise fail(f"{ticker} matured on {maturity}, before the quote date {trade_date}")
    fields: dict[str, Any] = {
        name: _rate(item, group, key, ticker, fail) for name, (group, key) in _RATES.items()
    }
    fields |= {name: _count(summary, key, ticker, fail) for name, key in _COUNTS.items()}
    low, high = fields["min_rate_pct"], fields["max_rate_pct"]
    if low is not None and high is not None and low > high:
        raise fail(f"{ticker} minimum {low} is above maximum {high}")
    return B3Di1Quote(
        quote_time=quote_time,
        trade_date=trade_date,
        ticker=ticker,
        maturity_date=maturity,
        business_days=di1.business_days(trade_date, maturity),
        **fields,
    )


def _rate(item: dict[str, Any], group: str, key: str, ticker: str, fail: Any) -> Decimal | None:
    raw = (item.get(group) or {}).get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise fail(f"{ticker} {group}.{key} {raw!r} is not a JSON number")
    value = Decimal(str(raw))
    if not RATE_RANGE[0] <= value <= RATE_RANGE[1]:
        raise fail(f"{ticker} {group}.{key} {raw} is not a rate in % p.a.")
    return value


def _count(summary: dict[str, Any], key: str, ticker: str, fail: Any) -> int | None:
    raw = summary.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw < 0 or raw != int(raw):
        raise fail(f"{ticker} AsstSummry.{key} {raw!r} is not a count")
    return int(raw)


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer the quotes request from ``b3__DI1_quotes.json`` (None: not this endpoint)."""
    if not request.url.path.endswith(QUOTES_PATH):
        return None
    path = directory / f"{SOURCE}__{ITEM}_quotes.json"
    if not path.exists():
        return httpx.Response(404, json={"BizSts": {"cd": "NOK"}, "Msg": {"txt": "no quotes"}})
    return httpx.Response(
        200, content=path.read_bytes(), headers={"content-type": "application/json"}
    )
