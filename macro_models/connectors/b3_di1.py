"""B3 DI1 futures daily settlements: the "Ajustes do Pregão" page (one HTML page per session).

``GET {b3_url}/pages/portal/bmfbovespa/lumis/lum-ajustes-do-pregao-ptBR.asp?dData1=DD/MM/YYYY``
returns, in ISO-8859-1, every B3 future's settlement for that session in
``<table id="tblDadosAjustes">``: Mercadoria (e.g. 'DI1 - DI de 1 dia', blank - or spanned by a
rowspan - on a commodity's continuation rows), Vencimento ('F25'), Preço de ajuste anterior,
Preço de ajuste Atual, Variação, Valor do ajuste por contrato (R$), in Brazilian number format
('99.650,42'). We keep the DI1 rows only. For DI1, as published (and as rb3's copy of the page
shows): the previous settlement is the previous session's PU already corrected by that day's CDI,
the variation is current minus that, and the adjustment value is |variation| x R$ 1 (unsigned;
its sign is the variation's). A contract's first session shows previous 0,00.

A query is a window of trade dates; it is split into B3 sessions, one request each. A page with
the settlements table and no rows (a non-session date, or a session not yet published) is a
valid empty answer; a page without that table (an error or maintenance page) is not.
Settlements are published after the close: a row is known at 19:00 America/Sao_Paulo on its
trade date (``record_known_at``). Maturity, business days to maturity and the implied rate are
derived here (macro_models.instruments.di1, on Brazil's national business days, the days the CDI
accrues) and stored beside the source's fields; only the settlement PU decides whether a row is a
new vintage.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.calendars import business_days as b3_sessions
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.instruments import di1

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from macro_models.connectors.base import Fetcher
    from macro_models.connectors.load import LoadResult

SOURCE = "b3"
ITEM = "DI1"
PAGE_PATH = "/pages/portal/bmfbovespa/lumis/lum-ajustes-do-pregao-ptBR.asp"
TABLE_ID = "tblDadosAjustes"
HEADER = (
    "mercadoria",
    "vencimento",
    "preço de ajuste anterior",
    "preço de ajuste atual",
    "variação",
    "valor do ajuste por contrato (r$)",
)
KNOWN_AT_LOCAL = time(19, 0)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
FIRST_TRADE_DATE = date(1990, 1, 2)
_BR_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+")
_DOT_NUMBER = re.compile(r"[+-]?\d+\.\d+")


def page_file_name(day: date) -> str:
    """The recorded page of one session: ``b3__DI1_<YYYY-MM-DD>.html`` (ISO-8859-1 HTML)."""
    return f"{SOURCE}__{ITEM}_{day.isoformat()}.html"


class B3Di1Query(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date = Field(description="First trade date of the window.")
    end: date = Field(description="Last trade date of the window.")
    code: str = Field(default=ITEM, description="The commodity kept from the page: only 'DI1'.")

    @field_validator("code")
    @classmethod
    def _di1_only(cls, v: str) -> str:
        if v.upper() != ITEM:
            raise ValueError(f"this endpoint module keeps DI1 rows only, got code {v!r}")
        return ITEM

    @model_validator(mode="after")
    def _ordered(self) -> B3Di1Query:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.start < FIRST_TRADE_DATE:
            raise ValueError(f"start {self.start} is before {FIRST_TRADE_DATE}")
        return self

    def sessions(self) -> list[date]:
        """The B3 sessions in [start, end]: one page request each."""
        return b3_sessions(self.start, self.end, "B3")


class B3Di1Settlement(BaseModel):
    """One DI1 contract's settlement on one trade date."""

    model_config = ConfigDict(frozen=True)

    trade_date: date = Field(description="The session the settlement belongs to.")
    ticker: str = Field(description="B3 ticker, 'DI1' + month letter + two year digits: DI1F25.")
    maturity_date: date = Field(description="First business day of the contract month.")
    business_days: int = Field(
        ge=0,
        description="B3's du: national business days from trade date (incl.) to maturity (excl.).",
    )
    settlement_pu: Decimal = Field(
        gt=0, le=di1.FACE_VALUE, description="Preço de ajuste Atual: PU in points (R$ 1 each)."
    )
    previous_settlement_pu: Decimal | None = Field(
        default=None,
        ge=0,
        description="Preço de ajuste anterior: previous PU corrected by the CDI; 0 on a "
        "contract's first session; null when the source (a CSV) does not give it.",
    )
    variation: Decimal | None = Field(
        default=None, description="Variação: settlement minus corrected previous, in points."
    )
    adjustment_value_brl: Decimal | None = Field(
        default=None,
        description="Valor do ajuste por contrato (R$) as published: unsigned, sign of variation.",
    )
    implied_rate_pct: Decimal | None = Field(
        default=None,
        description="((100000/PU)^(252/du) - 1) * 100, % per year base 252; null when du = 0.",
    )

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Maturity, du and implied rate follow from ticker, trade date and PU unless given."""
        if not isinstance(data, dict) or not {"ticker", "trade_date", "settlement_pu"} <= set(data):
            return data
        data = dict(data)
        trade_date, pu = data["trade_date"], Decimal(data["settlement_pu"])
        if "maturity_date" not in data:
            data["maturity_date"] = di1.maturity_date(str(data["ticker"]))
        if "business_days" not in data:
            data["business_days"] = di1.business_days(trade_date, data["maturity_date"])
        if "implied_rate_pct" not in data and data["business_days"] > 0 and pu > 0:
            rate = di1.rate_from_pu(float(pu), data["business_days"])
            data["implied_rate_pct"] = Decimal(f"{rate:.6f}")
        return data

    @field_validator("ticker")
    @classmethod
    def _ticker(cls, v: str) -> str:
        if not v.startswith(ITEM):
            raise ValueError(f"a DI1 ticker starts with 'DI1', got {v!r}")
        di1.parse_contract(v)
        return v


def record_known_at(record: B3Di1Settlement) -> datetime:
    """Settlements are published after the close: 19:00 Sao Paulo on the trade date, as UTC."""
    local = datetime.combine(record.trade_date, KNOWN_AT_LOCAL, tzinfo=SAO_PAULO)
    return local.astimezone(UTC)


class B3Di1Fetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.b3__di1_settlements"
    key_columns: ClassVar[tuple[str, ...]] = ("trade_date", "ticker")
    value_columns: ClassVar[tuple[str, ...]] = ("settlement_pu",)
    # Stored, never compared: derived from the PU and the calendar, or from other sessions.
    extra_columns: ClassVar[tuple[str, ...]] = (
        "maturity_date",
        "business_days",
        "previous_settlement_pu",
        "variation",
        "adjustment_value_brl",
        "implied_rate_pct",
    )
    # The items a query can ask for (DI1 is not a catalogued series).
    items: ClassVar[tuple[str, ...]] = (ITEM,)
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> B3Di1Query:
        return B3Di1Query(**params)

    @staticmethod
    def extract_data(query: B3Di1Query, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{PAGE_PATH}"
        payloads = []
        for day in query.sessions():
            params = {"dData1": day.strftime("%d/%m/%Y")}
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
    def transform_data(payload: RawPayload) -> list[B3Di1Settlement]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        page = _parse_page(payload.body, fail)
        trade_date = _trade_date(payload.request, page.page_date, fail)
        records, seen = [], set()
        for i, (commodity, cells) in enumerate(_commodity_rows(page, fail)):
            if commodity.split(" - ")[0].strip().upper() != ITEM:
                continue
            rec = _record(trade_date, i, cells, fail)
            if rec.ticker in seen:
                raise fail(f"contract {rec.ticker} appears twice on {trade_date}")
            seen.add(rec.ticker)
            records.append(rec)
        if page.rows and not records:
            raise fail(f"no DI1 rows among the page's {len(page.rows)} settlement rows")
        return records


class _Page(HTMLParser):
    """The settlements table of an Ajustes page (html.parser: no third-party dependency).

    Tolerates omitted ``</td>``/``</tr>`` (a new cell or row closes the open one) and tables
    nested inside ours; records whether our table was closed, to tell a truncated body.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = self.closed = False
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.page_date: str | None = None
        self.title = ""
        self._in_table = self._in_title = False
        self._nested = 0
        self._row: list[str] | None = None
        self._row_is_header = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "input" and "dData1" in (a.get("id"), a.get("name")):
            self.page_date = (a.get("value") or "").strip() or None
        elif tag == "table":
            if self._in_table:
                self._nested += 1
            elif a.get("id") == TABLE_ID and not self.found:
                self.found = self._in_table = True
        elif self._in_table and not self._nested:
            self._table_tag(tag)

    def _table_tag(self, tag: str) -> None:
        if tag == "tr":
            self._end_row()
            self._row, self._row_is_header = [], False
        elif tag in ("td", "th"):
            self._end_cell()
            if self._row is None:
                self._row = []
            self._row_is_header = self._row_is_header or tag == "th"
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "table" and self._in_table:
            if self._nested:
                self._nested -= 1
                return
            self._end_row()
            self._in_table, self.closed = False, True
        elif not self._in_table or self._nested:
            return
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._cell is not None and self._in_table and not self._nested:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).replace("\xa0", " ").split()))
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row:
            if self._row_is_header and not self.header and not self.rows:
                self.header = self._row
            else:
                self.rows.append(self._row)
        self._row = None


def _decode(body: bytes) -> str:
    # The page is ISO-8859-1; a UTF-8 copy (e.g. re-saved by a tool) decodes as UTF-8 first.
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("iso-8859-1")


def _parse_page(body: bytes, fail: Any) -> _Page:
    text = _decode(body)
    if not text.strip():
        raise fail("empty body")
    page = _Page()
    page.feed(text)
    page.close()
    if not page.found:
        if "<" not in text[:200]:
            raise fail(f"not an HTML page: {text[:80]!r}")
        title = " ".join(page.title.split()) or " ".join(re.sub(r"<[^>]*>", " ", text).split())
        raise fail(f"an HTML page without the {TABLE_ID} table (error page?): {title[:120]!r}")
    if not page.closed:
        raise fail(f"truncated HTML: the {TABLE_ID} table is not closed")
    header = tuple(h.lower() for h in page.header)
    if header != HEADER:
        raise fail(f"unexpected table header {page.header!r}; expected the columns {HEADER!r}")
    return page


def _trade_date(request: dict[str, Any], page_date: str | None, fail: Any) -> date:
    asked = (request.get("params") or {}).get("dData1")
    day = None
    for raw in (asked, page_date):
        if raw is None:
            continue
        try:
            parsed = datetime.strptime(raw, "%d/%m/%Y").date()
        except ValueError:
            raise fail(f"date {raw!r} is not dd/mm/yyyy") from None
        if day is not None and parsed != day:
            raise fail(f"the page is for {parsed}, outside the requested date {day}")
        day = parsed
    if day is None:
        raise fail("no trade date: neither the request's dData1 nor the page's date field")
    if not FIRST_TRADE_DATE <= day <= date.today() + timedelta(days=7):
        raise fail(f"trade date {day} is out of range")
    return day


def _commodity_rows(page: _Page, fail: Any) -> list[tuple[str, list[str]]]:
    """(commodity, [vencimento, anterior, atual, variação, valor]) for every body row.

    A commodity's first row has six cells; continuation rows have a blank first cell, or five
    cells when the first cell spans them (rowspan).
    """
    out, commodity = [], ""
    for i, row in enumerate(page.rows):
        if len(row) == 6:
            commodity = row[0] or commodity
            cells = row[1:]
        elif len(row) == 5 and commodity:
            cells = row
        else:
            raise fail(f"row {i} has {len(row)} cells, expected 6 (or 5 on a continuation row)")
        if not commodity:
            raise fail(f"row {i} has no Mercadoria and follows none")
        out.append((commodity, cells))
    return out


def _record(trade_date: date, i: int, cells: list[str], fail: Any) -> B3Di1Settlement:
    code, prev_raw, pu_raw, var_raw, adj_raw = cells
    try:
        year, month = di1.parse_contract(code)
    except ValueError as exc:
        raise fail(f"row {i}: {exc}") from None
    ticker = f"{ITEM}{code}"
    try:
        maturity = di1.maturity_date(code)
    except ValueError as exc:
        raise fail(f"row {i} {ticker}: {exc}") from None
    if maturity < trade_date:
        raise fail(f"{ticker} matured on {maturity}, before the trade date {trade_date}")
    pu = _br_number(pu_raw, f"{ticker} settlement", fail)
    prev = _br_number(prev_raw, f"{ticker} previous settlement", fail)
    variation = _br_number(var_raw, f"{ticker} variation", fail)
    adjustment = _br_number(adj_raw, f"{ticker} adjustment value", fail)
    if not 0 < pu <= Decimal(di1.FACE_VALUE) or not 0 <= prev <= Decimal(di1.FACE_VALUE):
        raise fail(f"{ticker} PU {pu} (previous {prev}) is outside (0, 100000]")
    du = di1.business_days(trade_date, maturity)
    if du == 0 and pu != Decimal(di1.FACE_VALUE):
        raise fail(f"{ticker} matures on {trade_date} but settles at {pu}, not 100000")
    return B3Di1Settlement(
        trade_date=trade_date,
        ticker=ticker,
        maturity_date=maturity,
        business_days=du,
        settlement_pu=pu,
        previous_settlement_pu=prev,
        variation=variation,
        adjustment_value_brl=adjustment,
    )


def _br_number(raw: str, what: str, fail: Any) -> Decimal:
    """'99.650,42' -> Decimal('99650.42'); refuses '-', '', and dot-decimal numbers."""
    text = raw.strip()
    if text in ("", "-", "--", "\u2014"):
        raise fail(f"{what} is missing ({raw!r})")
    if not _BR_NUMBER.fullmatch(text):
        if _DOT_NUMBER.fullmatch(text):
            raise fail(f"{what} {raw!r} uses a '.' decimal separator; the page uses '99.650,42'")
        raise fail(f"{what} {raw!r} is not a number in the format '99.650,42'")
    try:
        return Decimal(text.replace(".", "").replace(",", "."))
    except InvalidOperation:
        raise fail(f"{what} {raw!r} is not a number") from None


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer an Ajustes page request from ``b3__DI1_<date>.html`` (None: not this endpoint).

    A date without a recorded page gets the page B3 serves for a date without settlements (the
    table with no rows), as an SGS replay answers an empty window with ``[]``.
    """
    if not request.url.path.endswith(PAGE_PATH):
        return None
    raw = request.url.params.get("dData1", "")
    try:
        day = datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        return httpx.Response(400, text=f"dData1 {raw!r} is not dd/mm/yyyy")
    path = directory / page_file_name(day)
    if path.exists():
        text = _decode(path.read_bytes())
        if text.startswith('"'):  # a page saved as a JSON string by a generic sample writer
            text = json.loads(text)
    else:
        from macro_models.connectors.sample_b3 import render_page

        text = render_page(day, {})
    headers = {"content-type": "text/html; charset=iso-8859-1"}
    return httpx.Response(200, content=text.encode("iso-8859-1"), headers=headers)


# --- The shared real-data file (long CSV: date,contract,maturity,value) -------------------------

CSV_HEADER = ("date", "contract", "maturity", "value")


class B3Di1CsvFetcher:
    """Reads ``b3__di1_settlement.csv`` (rb3's copy of the settlements) into the same bronze table.

    The file gives the settlement PU only. Its ``maturity`` column is the first weekday of the
    contract month (only 1 January and 1 May skipped): it must equal our maturity or be a
    holiday whose next business day is ours (e.g. DI1H22: Carnival Tuesday, 2022-03-01).
    """

    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = B3Di1Fetcher.table
    key_columns: ClassVar[tuple[str, ...]] = B3Di1Fetcher.key_columns
    value_columns: ClassVar[tuple[str, ...]] = B3Di1Fetcher.value_columns
    extra_columns: ClassVar[tuple[str, ...]] = B3Di1Fetcher.extra_columns
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_data(payload: RawPayload) -> list[B3Di1Settlement]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        text = payload.body.decode("utf-8-sig", errors="replace")
        if not text.strip():
            raise fail("empty file")
        reader = csv.reader(io.StringIO(text))
        header = tuple(h.strip().lower() for h in next(reader))
        if header != CSV_HEADER:
            raise fail(f"header must be {','.join(CSV_HEADER)!r}, got {','.join(header)!r}")
        records, seen = [], set()
        for line_no, row in enumerate(reader, start=2):
            if not row:
                continue
            rec = _csv_record(row, line_no, fail)
            key = (rec.trade_date, rec.ticker)
            if key in seen:
                raise fail(f"line {line_no} repeats {rec.ticker} on {rec.trade_date}")
            seen.add(key)
            records.append(rec)
        return records


def _csv_record(row: list[str], line_no: int, fail: Any) -> B3Di1Settlement:
    if len(row) != len(CSV_HEADER):
        raise fail(f"line {line_no} has {len(row)} fields, expected {len(CSV_HEADER)}")
    day_raw, ticker, maturity_raw, value_raw = (c.strip() for c in row)
    try:
        day, their_maturity = date.fromisoformat(day_raw), date.fromisoformat(maturity_raw)
    except ValueError:
        raise fail(f"line {line_no} has a date that is not YYYY-MM-DD") from None
    if not ticker.startswith(ITEM):
        raise fail(f"line {line_no} contract {ticker!r} is not a DI1 contract")
    try:
        maturity = di1.maturity_date(ticker)
    except ValueError as exc:
        raise fail(f"line {line_no}: {exc}") from None
    # Theirs may be a holiday (their rule skips only 1 January and 1 May): then ours is the
    # next business day. Anything else means a different contract rule.
    if di1.first_business_day_on_or_after(their_maturity) != maturity:
        raise fail(f"line {line_no} {ticker} maturity {their_maturity}; B3's is {maturity}")
    if not FIRST_TRADE_DATE <= day <= maturity:
        raise fail(f"line {line_no} trade date {day} is out of range for {ticker}")
    pu = _csv_pu(value_raw, line_no, fail)
    du = di1.business_days(day, maturity)
    if du == 0 and pu != Decimal(di1.FACE_VALUE):
        raise fail(f"line {line_no} {ticker} matures on {day} but settles at {pu}, not 100000")
    return B3Di1Settlement(
        trade_date=day, ticker=ticker, maturity_date=maturity, business_days=du, settlement_pu=pu
    )


def _csv_pu(raw: str, line_no: int, fail: Any) -> Decimal:
    if raw in ("", "-", ".") or "," in raw:
        raise fail(f"line {line_no} value {raw!r} is not a dot-decimal number")
    try:
        pu = Decimal(raw)
    except InvalidOperation:
        raise fail(f"line {line_no} value {raw!r} is not a number") from None
    if not pu.is_finite() or not 0 < pu <= Decimal(di1.FACE_VALUE):
        raise fail(f"line {line_no} PU {raw} is outside (0, 100000]")
    return pu


def load_di1_csv(engine: Engine, path: Path) -> LoadResult:
    """Load the shared ``b3__di1_settlement.csv`` through the usual path: archive, parse, upsert."""
    from macro_models.connectors.load import load_payload

    payload = RawPayload(
        source=SOURCE,
        item=ITEM,
        request={"file": path.name},
        body=path.read_bytes(),
        content_type="text/csv",
    )
    # A CSV loader, not a fetcher: no query or extract step (the loader needs neither).
    return load_payload(engine, cast("type[Fetcher]", B3Di1CsvFetcher), payload)
