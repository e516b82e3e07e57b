"""BCB PTAX quotes on Olinda: ``CotacaoMoedaPeriodo``, every bulletin of a currency's days.

A day has an opening bulletin (10h window), three intermediate ones (one per 11h, 12h and 13h
window) and the closing PTAX, the average of the four windows, published with the last
intermediate one at about 13:10. ``CotacaoMoedaPeriodo`` labels the closing bulletin
"Fechamento" and ``CotacaoMoedaDia`` "Fechamento PTAX"; both are stored as "Fechamento PTAX".
Rates are BRL per unit of the currency (JPY too); parities are against the US dollar (1 for
USD; USD per unit for type-B currencies such as EUR, units per USD for type-A ones such as JPY).
``dataHoraCotacao`` is Sao Paulo wall time without an offset, e.g. "2024-01-02 13:04:30.386";
trailing zeros of the milliseconds are dropped ("13:05:07.46").

Each bulletin is known at its own timestamp (``record_known_at``). One request per calendar
year of the window, paged with ``$top``/``$skip`` as an OData safeguard (a year of one currency
is about 1,300 rows).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import odata_rows

SOURCE = "bcb_ptax"
SERVICE_PATH = "/olinda/servico/PTAX/versao/v1/odata/"
FUNCTION = (
    "CotacaoMoedaPeriodo(moeda=@moeda,dataInicial=@dataInicial,dataFinalCotacao=@dataFinalCotacao)"
)
PAGE_SIZE = 10_000
# The currencies of Olinda's PTAX ``Moedas`` entity set (CNY, for one, has no PTAX).
CURRENCIES = frozenset({"AUD", "CAD", "CHF", "DKK", "EUR", "GBP", "JPY", "NOK", "SEK", "USD"})
CLOSING = "Fechamento PTAX"
BULLETINS = {
    "Abertura": "Abertura",
    "Intermediário": "Intermediário",
    "Fechamento": CLOSING,
    CLOSING: CLOSING,
}
FIELDS = (
    "paridadeCompra", "paridadeVenda", "cotacaoCompra", "cotacaoVenda", "dataHoraCotacao",
    "tipoBoletim",
)  # fmt: skip
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
# Tidy CSV files hold only the closing rate; the closing bulletin comes out at about 13:10.
CSV_CLOSING_TIME = time(13, 10)
FIRST_DAY = date(1984, 1, 1)
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$")
_PATH = re.compile(r"/olinda/servico/PTAX/versao/v1/odata/CotacaoMoedaPeriodo\(")


class PtaxQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    currency: str = Field(description="ISO code of a PTAX currency, e.g. 'USD'.")
    start: date
    end: date
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=PAGE_SIZE, description="OData $top.")

    @field_validator("currency")
    @classmethod
    def _ptax_currency(cls, v: str) -> str:
        if v not in CURRENCIES:
            raise ValueError(f"PTAX currencies are {', '.join(sorted(CURRENCIES))}; got {v!r}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> PtaxQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    def windows(self) -> list[tuple[date, date]]:
        """[start, end] cut at calendar-year ends."""
        out, lo = [], self.start
        while lo <= self.end:
            hi = min(date(lo.year, 12, 31), self.end)
            out.append((lo, hi))
            lo = hi + timedelta(days=1)
        return out


class PtaxRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    currency: str = Field(description="ISO code of the quoted currency.")
    quote_date: date = Field(description="Sao Paulo date of the bulletin.")
    bulletin_type: str = Field(
        description="'Abertura', 'Intermediário' or 'Fechamento PTAX' (the closing PTAX)."
    )
    bulletin_seq: int = Field(
        ge=1,
        le=3,
        description="PTAX window of an Intermediário: 1 (11h), 2 (12h), 3 (13h); else 1.",
    )
    quoted_at: datetime = Field(description="Publication time of the bulletin (aware).")
    bid: Decimal | None = Field(description="cotacaoCompra: BRL per unit of the currency.")
    ask: Decimal = Field(description="cotacaoVenda: BRL per unit of the currency.")
    parity_bid: Decimal | None = Field(description="paridadeCompra, against the US dollar.")
    parity_ask: Decimal | None = Field(description="paridadeVenda, against the US dollar.")

    @field_validator("bulletin_type")
    @classmethod
    def _known_bulletin(cls, v: str) -> str:
        if v not in BULLETINS:
            raise ValueError(f"unknown bulletin type {v!r}; expected one of {sorted(BULLETINS)}")
        return BULLETINS[v]

    @field_validator("quoted_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("quoted_at must carry its time zone")
        return v

    @model_validator(mode="after")
    def _positive_rates(self) -> PtaxRecord:
        if self.ask <= 0 or (self.bid is not None and self.bid <= 0):
            raise ValueError(f"rates must be positive, got bid {self.bid} ask {self.ask}")
        if self.bid is not None and self.bid > self.ask:
            raise ValueError(f"bid {self.bid} is above ask {self.ask}")
        return self

    @property
    def observation_date(self) -> date:
        """The date the catalog's release rule dates (tidy CSV loads)."""
        return self.quote_date


def csv_record(code: str, day: date, value: Decimal) -> PtaxRecord:
    """A row of a tidy ``bcb_ptax__<currency>.csv`` file: the day's closing PTAX ask."""
    if code not in CURRENCIES:
        raise KeyError(f"unknown PTAX currency {code!r}")
    try:
        return PtaxRecord(
            currency=code,
            quote_date=day,
            bulletin_type=CLOSING,
            bulletin_seq=1,
            quoted_at=datetime.combine(day, CSV_CLOSING_TIME, tzinfo=SAO_PAULO),
            bid=None,
            ask=value,
            parity_bid=None,
            parity_ask=None,
        )
    except ValidationError as exc:
        reason = f"{day}: {exc.errors()[0]['msg']}"
        raise PayloadError(SOURCE, code, f"bcb_ptax__{code}.csv", reason) from None


class BcbPtaxFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.bcb_ptax__quotes"
    key_columns: ClassVar[tuple[str, ...]] = (
        "currency", "quote_date", "bulletin_type", "bulletin_seq",
    )  # fmt: skip
    value_columns: ClassVar[tuple[str, ...]] = (
        "quoted_at", "bid", "ask", "parity_bid", "parity_ask",
    )  # fmt: skip

    @staticmethod
    def transform_query(params: dict[str, Any]) -> PtaxQuery:
        params = dict(params)
        if "code" in params:
            params["currency"] = params.pop("code")
        return PtaxQuery(**params)

    @staticmethod
    def extract_data(query: PtaxQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{SERVICE_PATH}{FUNCTION}"
        payloads = []
        for lo, hi in query.windows():
            skip = 0
            while True:
                params = {
                    "@moeda": f"'{query.currency}'",
                    "@dataInicial": f"'{lo:%m-%d-%Y}'",
                    "@dataFinalCotacao": f"'{hi:%m-%d-%Y}'",
                    "$top": str(query.page_size),
                    "$skip": str(skip),
                    "$format": "json",
                }
                resp = get_with_retries(client, url, params, source=SOURCE, item=query.currency)
                payloads.append(
                    RawPayload(SOURCE, query.currency, {"url": url, "params": params},
                               resp.content, resp.headers.get("content-type"))
                )  # fmt: skip
                rows = _row_count(resp.content)
                if rows is None or rows < query.page_size:
                    break
                skip += query.page_size
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[PtaxRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        if payload.item not in CURRENCIES:
            raise fail(f"{payload.item!r} is not a PTAX currency")
        rows = odata_rows(payload.body, fail)
        window = _request_window(payload.request)
        parsed = [_parse_row(i, row, window, fail) for i, row in enumerate(rows)]
        return _number_bulletins(payload.item, parsed, fail)

    @staticmethod
    def record_known_at(record: PtaxRecord) -> datetime:
        """A bulletin is public when BCB publishes it: its own timestamp."""
        return record.quoted_at.astimezone(UTC)


def _row_count(body: bytes) -> int | None:
    try:
        rows = json.loads(body).get("value")
    except (ValueError, AttributeError):
        return None
    return len(rows) if isinstance(rows, list) else None


def _parse_row(
    i: int, row: Any, window: tuple[date, date] | None, fail: Any
) -> tuple[str, datetime, dict[str, Decimal]]:
    if not isinstance(row, dict) or any(f not in row for f in FIELDS):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        missing = [f for f in FIELDS if not isinstance(row, dict) or f not in row]
        raise fail(f"record {i} lacks {missing} (has {keys})")
    quoted_at = _parse_timestamp(i, row["dataHoraCotacao"], fail)
    day = quoted_at.date()
    if not FIRST_DAY <= day <= date.today() + timedelta(days=1):
        raise fail(f"record {i} date {day} is out of range")
    if window and not window[0] <= day <= window[1]:
        raise fail(f"record {i} date {day} is outside the requested window {window}")
    bulletin = row["tipoBoletim"]
    if bulletin not in BULLETINS:
        raise fail(f"record {i} has an unknown tipoBoletim {bulletin!r}")
    numbers = {f: _number(i, f, row[f], fail) for f in FIELDS[:4]}
    return BULLETINS[bulletin], quoted_at, numbers


def _parse_timestamp(i: int, raw: Any, fail: Any) -> datetime:
    m = _TIMESTAMP.match(str(raw))
    if m is None:
        raise fail(f"record {i} dataHoraCotacao {raw!r} is not 'YYYY-MM-DD HH:MM:SS.fff'")
    frac = (m.group(3) or "0").ljust(6, "0")
    try:
        local = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}.{frac}")
    except ValueError:
        raise fail(f"record {i} dataHoraCotacao {raw!r} is not a valid time") from None
    return local.replace(tzinfo=SAO_PAULO)


def _number(i: int, name: str, raw: Any, fail: Any) -> Decimal:
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "-")):
        raise fail(f"record {i} {name} is missing ({raw!r})")
    if isinstance(raw, str):
        if "," in raw:
            raise fail(f"record {i} {name} {raw!r} uses a comma decimal separator")
        raise fail(f"record {i} {name} {raw!r} is a string, not a JSON number")
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise fail(f"record {i} {name} {raw!r} is not a number")
    value = Decimal(raw)
    if not value.is_finite() or value <= 0:
        raise fail(f"record {i} {name} {raw!r} is not a positive finite number")
    return value


def _window_seq(bulletin: str, quoted_at: datetime) -> int:
    """1, 2, 3 for the intermediate bulletins of the 11h, 12h and 13h windows; 1 otherwise.

    Taken from the time, not the position in the response, so a day split across two pages
    keeps its numbering; the bulletins come out minutes after their window (10:04, 11:03…).
    """
    if bulletin != "Intermediário":
        return 1
    minutes = quoted_at.hour * 60 + quoted_at.minute - (9 * 60 + 45)
    return min(max(minutes // 60, 1), 3)


def _number_bulletins(
    currency: str, parsed: list[tuple[str, datetime, dict[str, Decimal]]], fail: Any
) -> list[PtaxRecord]:
    records: list[PtaxRecord] = []
    seen: dict[tuple[date, str, int], str] = {}
    for bulletin, quoted_at, n in sorted(parsed, key=lambda item: item[1]):
        day, seq = quoted_at.date(), _window_seq(bulletin, quoted_at)
        if (day, bulletin, seq) in seen:
            first = seen[(day, bulletin, seq)]
            raise fail(f"bulletin {bulletin} #{seq} of {day} appears twice ({first} and "
                       f"{quoted_at:%H:%M:%S.%f})")  # fmt: skip
        seen[(day, bulletin, seq)] = f"{quoted_at:%H:%M:%S.%f}"
        if n["cotacaoCompra"] > n["cotacaoVenda"]:
            raise fail(f"{bulletin} of {day}: bid {n['cotacaoCompra']} is above the ask")
        records.append(
            PtaxRecord(
                currency=currency,
                quote_date=day,
                bulletin_type=bulletin,
                bulletin_seq=seq,
                quoted_at=quoted_at,
                bid=n["cotacaoCompra"],
                ask=n["cotacaoVenda"],
                parity_bid=n["paridadeCompra"],
                parity_ask=n["paridadeVenda"],
            )
        )
    return records


def _parse_param_date(raw: str | None) -> date | None:
    """Olinda function dates: 'MM-DD-YYYY' (what we send) or 'M/D/YYYY', quoted or not."""
    if not raw:
        return None
    text = raw.strip().strip("'")
    for fmt in ("%m-%d-%Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _request_window(request: dict[str, Any]) -> tuple[date, date] | None:
    params = request.get("params") or {}
    lo = _parse_param_date(params.get("@dataInicial"))
    hi = _parse_param_date(params.get("@dataFinalCotacao"))
    return (lo, hi) if lo and hi else None


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a ``CotacaoMoedaPeriodo`` request from ``bcb_ptax__<currency>.json``, paged."""
    if _PATH.search(request.url.path) is None:
        return None
    p = request.url.params
    currency = p.get("@moeda", "").strip("'")
    path = directory / f"bcb_ptax__{currency}.json"
    if not currency.isalpha() or not path.exists():
        return httpx.Response(404, json={"error": {"message": f"no recorded currency {currency}"}})
    doc = json.loads(path.read_text())
    lo = _parse_param_date(p.get("@dataInicial"))
    hi = _parse_param_date(p.get("@dataFinalCotacao"))
    rows = doc["value"]
    if lo and hi:
        rows = [r for r in rows if lo.isoformat() <= r["dataHoraCotacao"][:10] <= hi.isoformat()]
    skip, top = int(p.get("$skip", 0)), int(p.get("$top", PAGE_SIZE))
    return httpx.Response(200, json={**doc, "value": rows[skip : skip + top]})
