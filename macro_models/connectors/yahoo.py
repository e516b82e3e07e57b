"""Yahoo Finance daily bars: ``/v8/finance/chart/{symbol}`` (JSON, one symbol a request).

Series ids are ``yahoo__<code>`` with an explicit code for each Yahoo symbol (``INSTRUMENTS``:
``yahoo__BVSP`` is ``^BVSP``, ``yahoo__USDBRL`` is ``BRL=X``…). A bar is dated on the exchange's
local calendar: its timestamp read in ``meta.exchangeTimezoneName`` (the zone, not
``meta.gmtoffset``, which is the offset at fetch time and is wrong across daylight-saving
changes). Bars whose close is null are skipped (Yahoo's empty bars). A bar whose session had not
closed when the payload was fetched (its catalog release, the exchange close, is after
``fetched_at``) is skipped too: Yahoo's live bar of an open session is not an observation.

Versioning: a vintage is a change of the close, the series value. Open, high, low, volume and
adj_close are stored with the row but not compared: Yahoo revises the last day's volume for a
day or two and recomputes adj_close back through the whole history after every dividend or
split, which would otherwise add a vintage to every past bar. known_at comes from the catalog
(one row per code: the exchange close on the bar date).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.catalog import get_series
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries

SOURCE = "yahoo"
CHART_PATH = "/v8/finance/chart/"
_CHART = re.compile(re.escape(CHART_PATH) + r"([^/]+)$")
_QUOTE_FIELDS = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True)
class Instrument:
    code: str  # series id yahoo__<code>
    symbol: str  # Yahoo's symbol
    exchange_tz: str  # the zone Yahoo dates the bars in (meta.exchangeTimezoneName)
    currency: str  # meta.currency, checked: a change of quotation unit refuses the payload
    name: str


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument("BVSP", "^BVSP", "America/Sao_Paulo", "BRL", "Ibovespa"),
    Instrument("GSPC", "^GSPC", "America/New_York", "USD", "S&P 500"),
    Instrument("EWZ", "EWZ", "America/New_York", "USD", "iShares MSCI Brazil ETF"),
    Instrument("USDBRL", "BRL=X", "Europe/London", "BRL", "USD/BRL spot"),
    Instrument("DXY", "DX-Y.NYB", "America/New_York", "USD", "US dollar index (ICE)"),
    Instrument("VIX", "^VIX", "America/Chicago", "USD", "CBOE VIX"),
    Instrument("BRENT", "BZ=F", "America/New_York", "USD", "Brent crude front future (NYMEX)"),
    Instrument("SOYBEAN", "ZS=F", "America/Chicago", "USX", "Soybean front future (CBOT)"),
    Instrument("COPPER", "HG=F", "America/New_York", "USD", "Copper front future (COMEX)"),
    Instrument("GOLD", "GC=F", "America/New_York", "USD", "Gold front future (COMEX)"),
    # Iron ore has no dependable daily Yahoo series (TIO=F is thin and gappy): Vale's NYSE ADR
    # is the proxy, and it is named for what it is.
    Instrument("VALE", "VALE", "America/New_York", "USD", "Vale S.A. ADR (iron ore proxy)"),
)
BY_CODE = {i.code: i for i in INSTRUMENTS}
BY_SYMBOL = {i.symbol: i for i in INSTRUMENTS}


def instrument(code: str) -> Instrument:
    if code not in BY_CODE:
        raise KeyError(f"unknown Yahoo code {code!r}; known: {', '.join(BY_CODE)}")
    return BY_CODE[code]


class YahooQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Platform code, e.g. 'BVSP' for ^BVSP (see INSTRUMENTS).")
    start: date
    end: date

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        if v in BY_SYMBOL:  # a Yahoo symbol is accepted for its code
            return BY_SYMBOL[v].code
        if v not in BY_CODE:
            raise ValueError(f"unknown Yahoo code {v!r}; known: {', '.join(BY_CODE)}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> YahooQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def period(self) -> tuple[int, int]:
        """[period1, period2): local midnight of start to local midnight after end, in unix s."""
        tz = ZoneInfo(BY_CODE[self.code].exchange_tz)
        lo = datetime.combine(self.start, time(0), tzinfo=tz)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return int(lo.timestamp()), int(hi.timestamp())


class YahooBar(BaseModel):
    model_config = ConfigDict(frozen=True)

    series_code: str = Field(description="Platform code, e.g. 'BVSP'.")
    symbol: str = Field(description="Yahoo symbol as published (meta.symbol), e.g. '^BVSP'.")
    bar_date: date = Field(description="Session date on the exchange's local calendar.")
    open: Decimal | None = Field(default=None, description="Open, in the quote currency.")
    high: Decimal | None = Field(default=None, description="High, in the quote currency.")
    low: Decimal | None = Field(default=None, description="Low, in the quote currency.")
    close: Decimal = Field(description="Close (not dividend-adjusted), in the quote currency.")
    adj_close: Decimal | None = Field(
        default=None, description="Yahoo's dividend/split-adjusted close as of the fetch."
    )
    volume: int | None = Field(default=None, ge=0, description="Units traded (0 for FX/indices).")

    @property
    def observation_date(self) -> date:
        return self.bar_date


def csv_record(code: str, day: date, value: Decimal) -> YahooBar:
    """A row of a tidy ``yahoo__<code>.csv`` file: the close of that day."""
    return YahooBar(series_code=code, symbol=instrument(code).symbol, bar_date=day, close=value)


class YahooFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.yahoo__daily_bars"
    # series_code and symbol are one-to-one; both ride in the key so every load path stores them.
    key_columns: ClassVar[tuple[str, ...]] = ("series_code", "symbol", "bar_date")
    value_columns: ClassVar[tuple[str, ...]] = ("close",)
    extra_columns: ClassVar[tuple[str, ...]] = ("open", "high", "low", "adj_close", "volume")

    @staticmethod
    def transform_query(params: dict[str, Any]) -> YahooQuery:
        return YahooQuery(**params)

    @staticmethod
    def extract_data(query: YahooQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        symbol = BY_CODE[query.code].symbol
        url = f"{base_url.rstrip('/')}{CHART_PATH}{quote(symbol, safe='')}"
        period1, period2 = query.period()
        params = {
            "period1": str(period1),
            "period2": str(period2),
            "interval": "1d",
            "events": "div,splits",
        }
        resp = get_with_retries(client, url, params, source=SOURCE, item=query.code)
        return [
            RawPayload(
                source=SOURCE,
                item=query.code,
                request={"url": url, "params": params},
                body=resp.content,
                content_type=resp.headers.get("content-type"),
            )
        ]

    @staticmethod
    def transform_data(payload: RawPayload) -> list[YahooBar]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        inst = BY_CODE.get(payload.item)
        if inst is None:
            raise fail(f"unknown Yahoo code {payload.item!r}; known: {', '.join(BY_CODE)}")
        result = _result(payload.body, fail)
        tz = _check_meta(result.get("meta"), inst, fail)
        stamps, columns = _columns(result, fail)
        # The session closes at the catalog's release time of the bar date.
        spec = get_series(f"{SOURCE}__{inst.code}")
        window = _window(payload.request)
        latest = payload.fetched_at.astimezone(tz).date()
        bars, seen = [], set()
        for i, ts in enumerate(stamps):
            if isinstance(ts, bool) or not isinstance(ts, int):
                raise fail(f"timestamp {i} is {ts!r}, not unix seconds")
            day = datetime.fromtimestamp(ts, tz).date()
            if not date(1950, 1, 1) <= day <= latest:
                raise fail(f"bar {i} date {day} is out of range (after the fetch?)")
            close = _price(columns["close"][i], "close", day, fail)
            if close is None or spec.release_at(day) > payload.fetched_at:
                continue  # an empty bar, or the live bar of a session still open at the fetch
            if window and not window[0] <= ts < window[1]:
                raise fail(f"bar {i} ({day}) is outside the requested period {window}")
            if day in seen:
                raise fail(f"bar date {day} appears twice")
            seen.add(day)
            bars.append(
                YahooBar(
                    series_code=inst.code,
                    symbol=inst.symbol,
                    bar_date=day,
                    open=_price(columns["open"][i], "open", day, fail),
                    high=_price(columns["high"][i], "high", day, fail),
                    low=_price(columns["low"][i], "low", day, fail),
                    close=close,
                    adj_close=_price(columns["adjclose"][i], "adjclose", day, fail),
                    volume=_volume(columns["volume"][i], day, fail),
                )
            )
        return bars


def _result(body: bytes, fail: Any) -> dict[str, Any]:
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise fail("empty body")
    if text.startswith("<"):
        raise fail(f"an HTML page instead of JSON: {text[:80]!r}")
    try:
        # Decimals straight from the JSON text: no float rounding of prices.
        doc = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid or truncated JSON ({exc.msg} at char {exc.pos})") from None
    chart = doc.get("chart") if isinstance(doc, dict) else None
    if not isinstance(chart, dict):
        raise fail("no 'chart' object in the response")
    error = chart.get("error")
    if error:
        detail = error if not isinstance(error, dict) else (
            f"{error.get('code')}: {error.get('description')}"
        )  # fmt: skip
        raise fail(f"Yahoo error {detail}")
    results = chart.get("result")
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
        raise fail(f"expected one chart result, got {str(results)[:80]}")
    return results[0]


def _check_meta(meta: Any, inst: Instrument, fail: Any) -> ZoneInfo:
    if not isinstance(meta, dict):
        raise fail("the result has no 'meta' object")
    for field in ("symbol", "currency", "exchangeTimezoneName"):
        if not isinstance(meta.get(field), str):
            raise fail(f"meta lacks {field!r}")
    if meta["symbol"] != inst.symbol:
        raise fail(f"meta.symbol is {meta['symbol']!r}, expected {inst.symbol!r}")
    if meta["currency"] != inst.currency:
        raise fail(f"meta.currency is {meta['currency']!r}, expected {inst.currency!r}")
    try:
        return ZoneInfo(meta["exchangeTimezoneName"])
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"unknown exchangeTimezoneName {meta['exchangeTimezoneName']!r}") from None


def _columns(result: dict[str, Any], fail: Any) -> tuple[list[Any], dict[str, list[Any]]]:
    """The timestamps and one list per field, all of the same length."""
    indicators = result.get("indicators")
    if not isinstance(indicators, dict):
        raise fail("the result has no 'indicators.quote' object")
    quotes = indicators.get("quote")
    if not isinstance(quotes, list) or len(quotes) != 1 or not isinstance(quotes[0], dict):
        raise fail("the result has no 'indicators.quote' object")
    quote_, stamps = quotes[0], result.get("timestamp")
    if stamps is None:
        # Yahoo's answer for a window without bars: no timestamps and an empty quote.
        if any(quote_.get(f) for f in _QUOTE_FIELDS):
            raise fail("quote values without 'timestamp'")
        return [], {}
    if not isinstance(stamps, list):
        raise fail("'timestamp' is not a list")
    n, columns = len(stamps), {}
    for field in _QUOTE_FIELDS:
        values = quote_.get(field)
        if not isinstance(values, list):
            raise fail(f"indicators.quote lacks {field!r} (has {sorted(quote_)})")
        columns[field] = values
    columns["adjclose"] = _adjclose(indicators.get("adjclose"), n, fail)
    for field, values in columns.items():
        if not isinstance(values, list) or len(values) != n:
            size = len(values) if isinstance(values, list) else type(values).__name__
            raise fail(f"{field} has {size} values for {n} timestamps (truncated?)")
    return stamps, columns


def _adjclose(adj: Any, n: int, fail: Any) -> Any:
    if adj is None:  # asked for with events; absent, the adjusted close is simply unknown
        return [None] * n
    if isinstance(adj, list) and adj and isinstance(adj[0], dict):
        return adj[0].get("adjclose")
    raise fail("indicators.adjclose is malformed")


def _price(raw: Any, field: str, day: date, fail: Any) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise fail(f"{field} at {day} is {raw!r}, not a number")
    if isinstance(raw, int):
        raw = Decimal(raw)
    if isinstance(raw, str):
        if raw.strip() in ("", "-"):
            raise fail(f"{field} at {day} is missing ({raw!r}); Yahoo sends null")
        if "," in raw:
            raise fail(f"{field} at {day} is {raw!r}: a comma decimal in a string")
        raise fail(f"{field} at {day} is the string {raw!r}, not a number")
    if isinstance(raw, float) or not isinstance(raw, Decimal):  # NaN/Infinity come as floats
        raise fail(f"{field} at {day} is {raw!r}, not a finite number")
    if not raw.is_finite():
        raise fail(f"{field} at {day} is not finite")
    if raw <= 0:
        raise fail(f"{field} at {day} is {raw}: prices here are positive (a Yahoo glitch?)")
    return raw


def _volume(raw: Any, day: date, fail: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, Decimal) and raw.is_finite() and raw == raw.to_integral_value():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise fail(f"volume at {day} is {raw!r}, not a non-negative integer")
    return raw


def _window(request: dict[str, Any]) -> tuple[int, int] | None:
    params = request.get("params") or {}
    try:
        return int(params["period1"]), int(params["period2"])
    except (KeyError, ValueError, TypeError):
        return None


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a chart request from ``yahoo__<code>.json``, keeping the bars in [period1, period2).

    A window without bars gets Yahoo's own empty answer (no ``timestamp``, empty quote).
    """
    m = _CHART.search(request.url.path)
    if m is None:
        return None
    symbol = unquote(m.group(1))
    inst = BY_SYMBOL.get(symbol)
    path = directory / f"yahoo__{inst.code}.json" if inst else None
    if path is None or not path.exists():
        error = {"code": "Not Found", "description": "No data found, symbol may be delisted"}
        return httpx.Response(404, json={"chart": {"result": None, "error": error}})
    doc = json.loads(path.read_text())
    result = doc["chart"]["result"][0]
    p = request.url.params
    lo, hi = int(p.get("period1", 0)), int(p.get("period2", 2**62))
    keep = [i for i, ts in enumerate(result.get("timestamp") or []) if lo <= ts < hi]
    quote_ = result["indicators"]["quote"][0]
    adj = result["indicators"].get("adjclose")
    page = {"meta": result["meta"]}
    if keep:
        page["timestamp"] = [result["timestamp"][i] for i in keep]
        page["indicators"] = {"quote": [{f: [v[i] for i in keep] for f, v in quote_.items()}]}
        if adj:
            page["indicators"]["adjclose"] = [{"adjclose": [adj[0]["adjclose"][i] for i in keep]}]
    else:
        page["indicators"] = {"quote": [{}], "adjclose": [{}]} if adj else {"quote": [{}]}
    return httpx.Response(200, json={"chart": {"result": [page], "error": None}})
