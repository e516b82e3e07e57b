"""ANBIMA daily indicative rates of federal government bonds (Mercado Secundário de TPF).

``GET {anbima_url}/informacoes/merc-sec/arqs/ms{YYMMDD}.txt`` returns, in ISO-8859-1, one
session's file: a title line ("ANBIMA - Associação Brasileira das Entidades…"), a blank line,
then the '@'-separated header ``Titulo@Data Referencia@Codigo SELIC@Data Base/Emissao@Data
Vencimento@Tx. Compra@Tx. Venda@Tx. Indicativas@PU@Desvio padrao@Interv. Ind. Inf. (D0)@…@Criterio``
and one row per bond issue: ``LTN@20240102@100000@20200710@20250101@10,3046@10,2856@10,2951@
906,784561@…``. Dates are YYYYMMDD, numbers use a decimal comma, ``--`` marks a missing bid or
ask. Rates are % p.a. (base 252); for LFT the rate is the spread over Selic and can be negative.
The PU is in BRL per bond. We keep the first nine columns; the dispersion and interval columns
are checked for shape only.

A query is a window of reference dates, split into B3 sessions: one file per session. ANBIMA
answers 404 for a date without a file (weekend, holiday, not yet published, or older than the
few sessions it keeps online): the query never asks a non-session, so a 404 is a real failure
(FetchError). History comes from the shared long CSV instead (``load_anbima_csv``).

The file is published at about 18:30 America/Sao_Paulo on the reference date
(``record_known_at``). Only the indicative rate decides whether a row is a new vintage; the
other fields are stored beside it.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from macro_models.calendars import business_days as b3_sessions
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import br_decimal

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from macro_models.connectors.base import Fetcher
    from macro_models.connectors.load import LoadResult

SOURCE = "anbima"
ITEM = "TPF"
FILE_DIR = "/informacoes/merc-sec/arqs/"
HEADER = (
    "Titulo",
    "Data Referencia",
    "Codigo SELIC",
    "Data Base/Emissao",
    "Data Vencimento",
    "Tx. Compra",
    "Tx. Venda",
    "Tx. Indicativas",
    "PU",
    "Desvio padrao",
    "Interv. Ind. Inf. (D0)",
    "Interv. Ind. Sup. (D0)",
    "Interv. Ind. Inf. (D+1)",
    "Interv. Ind. Sup. (D+1)",
    "Criterio",
)
# The bonds of today's file, and those seen only in older history (2007–2008 in the shared
# CSV): NTN-D (dollar-linked), its 'NTN-D/SW' line and 'S/CUPOM'.
MAIN_BONDS = ("LTN", "NTN-F", "NTN-B", "LFT", "NTN-C")
HISTORIC_BONDS = ("NTN-D", "NTN-D/SW", "S/CUPOM")
BOND_TYPES = MAIN_BONDS + HISTORIC_BONDS
# % p.a.; wide enough for the history (an NTN-D near maturity printed 96 %, 'NTN-D/SW' ~101),
# narrow enough to catch a shifted column or basis points.
RATE_BOUNDS = (Decimal(-20), Decimal(120))
FIRST_REFERENCE_DATE = date(2000, 1, 3)  # a sanity floor, not the first file ANBIMA kept
KNOWN_AT_LOCAL = time(18, 30)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
_FILE_NAME = re.compile(r"ms(\d{6})\.txt$")
_YMD = re.compile(r"\d{8}")


def file_url(base_url: str, day: date) -> str:
    return f"{base_url.rstrip('/')}{FILE_DIR}ms{day:%y%m%d}.txt"


def file_name(day: date) -> str:
    """The recorded file of one session: ``anbima__TPF_<YYYY-MM-DD>.txt`` (ISO-8859-1 text)."""
    return f"{SOURCE}__{ITEM}_{day.isoformat()}.txt"


class AnbimaQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: date = Field(description="First reference date of the window.")
    end: date = Field(description="Last reference date of the window.")
    code: str = Field(default=ITEM, description="Only 'TPF': a file holds every bond.")

    @field_validator("code")
    @classmethod
    def _tpf_only(cls, v: str) -> str:
        if v.upper() != ITEM:
            raise ValueError(
                f"ANBIMA's file holds every federal bond: code must be 'TPF', got {v!r}"
            )
        return ITEM

    @model_validator(mode="after")
    def _ordered(self) -> AnbimaQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.start < FIRST_REFERENCE_DATE:
            raise ValueError(f"start {self.start} is before {FIRST_REFERENCE_DATE}")
        return self

    def sessions(self) -> list[date]:
        """The B3 sessions in [start, end]: one file request each."""
        return b3_sessions(self.start, self.end, "B3")


class AnbimaTpfRate(BaseModel):
    """One federal bond issue's indicative rate on one reference date."""

    model_config = ConfigDict(frozen=True)

    reference_date: date = Field(description="Data Referencia: the session the rates are for.")
    bond_type: str = Field(description="Titulo: LTN, NTN-F, NTN-B, LFT, NTN-C (or historic).")
    maturity_date: date = Field(description="Data Vencimento.")
    indicative_rate: Decimal = Field(
        description="Tx. Indicativas, % p.a. base 252 (LFT: spread over Selic, may be < 0)."
    )
    selic_code: str | None = Field(
        default=None, description="Codigo SELIC, six digits (e.g. 760199); null from the CSV."
    )
    issue_date: date | None = Field(
        default=None, description="Data Base/Emissao; null from the CSV."
    )
    bid_rate: Decimal | None = Field(
        default=None, description="Tx. Compra, % p.a.; null when '--' or from the CSV."
    )
    ask_rate: Decimal | None = Field(
        default=None, description="Tx. Venda, % p.a.; null when '--' or from the CSV."
    )
    pu: Decimal | None = Field(
        default=None, gt=0, description="PU at the indicative rate, BRL per bond; null if absent."
    )

    @field_validator("bond_type")
    @classmethod
    def _known_bond(cls, v: str) -> str:
        if v not in BOND_TYPES:
            raise ValueError(f"unknown bond type {v!r}; known: {', '.join(BOND_TYPES)}")
        return v

    @model_validator(mode="after")
    def _matures_after(self) -> AnbimaTpfRate:
        if self.maturity_date < self.reference_date:
            raise ValueError(f"matured on {self.maturity_date}, before {self.reference_date}")
        return self


def record_known_at(record: AnbimaTpfRate) -> datetime:
    """ANBIMA publishes the file at about 18:30 Sao Paulo on the reference date, as UTC."""
    local = datetime.combine(record.reference_date, KNOWN_AT_LOCAL, tzinfo=SAO_PAULO)
    return local.astimezone(UTC)


class AnbimaFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.anbima__tpf_indicative_rates"
    key_columns: ClassVar[tuple[str, ...]] = ("reference_date", "bond_type", "maturity_date")
    value_columns: ClassVar[tuple[str, ...]] = ("indicative_rate",)
    # Stored, never compared (the CSV gives none of them but the PU from 2020).
    extra_columns: ClassVar[tuple[str, ...]] = (
        "selic_code",
        "issue_date",
        "bid_rate",
        "ask_rate",
        "pu",
    )
    # The items a query can ask for (the bonds are not catalogued series).
    items: ClassVar[tuple[str, ...]] = (ITEM,)
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> AnbimaQuery:
        return AnbimaQuery(**params)

    @staticmethod
    def extract_data(query: AnbimaQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        payloads = []
        for day in query.sessions():
            url = file_url(base_url, day)
            resp = get_with_retries(client, url, None, source=SOURCE, item=query.code)
            payloads.append(
                RawPayload(
                    source=SOURCE,
                    item=query.code,
                    request={"url": url},
                    body=resp.content,
                    content_type=resp.headers.get("content-type"),
                )
            )
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[AnbimaTpfRate]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        asked = _requested_date(payload.request, fail)
        lines = _body_lines(payload.body, fail)
        start = _header_index(lines, fail)
        records, seen = [], set()
        the_date = asked
        for line_no, line in enumerate(lines[start + 1 :], start=start + 2):
            if not line.strip():
                continue
            rec = _row(line, line_no, fail)
            if the_date is None:
                the_date = rec.reference_date
            if rec.reference_date != the_date:
                what = "the requested date" if asked else "the file's first row"
                raise fail(f"line {line_no} is for {rec.reference_date}, outside {what} {the_date}")
            key = (rec.bond_type, rec.maturity_date)
            if key in seen:
                raise fail(f"{rec.bond_type} {rec.maturity_date} appears twice on {the_date}")
            seen.add(key)
            records.append(rec)
        if not records:
            raise fail("the header is not followed by any bond row (truncated file?)")
        return records


def _requested_date(request: dict[str, Any], fail: Any) -> date | None:
    url = request.get("url")
    if not url:
        return None
    m = _FILE_NAME.search(str(url))
    if not m:
        raise fail(f"the request {url!r} is not for an ms<YYMMDD>.txt file")
    try:
        return datetime.strptime(m.group(1), "%y%m%d").date()
    except ValueError:
        raise fail(f"ms{m.group(1)}.txt does not name a date") from None


def _decode(body: bytes) -> str:
    # The file is ISO-8859-1; a UTF-8 copy (re-saved by a tool) decodes as UTF-8 first.
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("iso-8859-1")


def _body_lines(body: bytes, fail: Any) -> list[str]:
    text = _decode(body)
    if not text.strip():
        raise fail("empty body")
    head = text.lstrip()[:500].lower()
    if head.startswith("<") or "<html" in head:
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        shown = " ".join((title.group(1) if title else re.sub(r"<[^>]*>", " ", text)).split())
        raise fail(f"an HTML page, not the '@'-separated file (error page?): {shown[:120]!r}")
    return text.splitlines()


def _header_index(lines: list[str], fail: Any) -> int:
    for i, line in enumerate(lines):
        if "@" in line:
            cells = tuple(c.strip() for c in line.split("@"))
            if cells != HEADER:
                raise fail(f"unexpected header {'@'.join(cells)!r}; expected {'@'.join(HEADER)!r}")
            return i
    raise fail(f"no '@'-separated header line: {' '.join(lines)[:80]!r}")


def _row(line: str, line_no: int, fail: Any) -> AnbimaTpfRate:
    cells = [c.strip() for c in line.split("@")]
    if len(cells) != len(HEADER):
        raise fail(f"line {line_no} has {len(cells)} fields, expected {len(HEADER)} (truncated?)")
    title, ref, selic, base, maturity, bid, ask, rate, pu = cells[:9]
    if title not in BOND_TYPES:
        raise fail(f"line {line_no}: unknown bond type {title!r}")
    what = f"line {line_no} {title}"
    if not re.fullmatch(r"\d{6}", selic):
        raise fail(f"{what}: Codigo SELIC {selic!r} is not six digits")
    ref_date = _ymd(ref, f"{what} Data Referencia", fail)
    if not FIRST_REFERENCE_DATE <= ref_date <= date.today() + timedelta(days=7):
        raise fail(f"{what}: reference date {ref_date} is out of range")
    issue, mat = _ymd(base, f"{what} Data Base", fail), _ymd(maturity, f"{what} Vencimento", fail)
    what = f"{title} {mat}"
    if mat < ref_date:
        raise fail(f"{what} matured before the reference date {ref_date}")
    indicative = _rate(rate, f"{what} Tx. Indicativas", fail, missing_ok=False)
    pu_value = br_decimal(pu, f"{what} PU", fail)
    if pu_value <= 0:
        raise fail(f"{what} PU {pu!r} is not positive")
    return AnbimaTpfRate(
        reference_date=ref_date,
        bond_type=title,
        selic_code=selic,
        issue_date=issue,
        maturity_date=mat,
        bid_rate=_rate(bid, f"{what} Tx. Compra", fail, missing_ok=True),
        ask_rate=_rate(ask, f"{what} Tx. Venda", fail, missing_ok=True),
        indicative_rate=cast(Decimal, indicative),
        pu=pu_value,
    )


def _ymd(raw: str, what: str, fail: Any) -> date:
    if not _YMD.fullmatch(raw):
        raise fail(f"{what} {raw!r} is not YYYYMMDD")
    try:
        return datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        raise fail(f"{what} {raw!r} is not a date") from None


def _rate(raw: str, what: str, fail: Any, *, missing_ok: bool) -> Decimal | None:
    if raw == "--" and missing_ok:  # ANBIMA's own mark for a bid or ask it did not collect
        return None
    value = br_decimal(raw, what, fail)
    if not RATE_BOUNDS[0] <= value <= RATE_BOUNDS[1]:
        raise fail(f"{what} {raw!r} is outside {RATE_BOUNDS[0]}..{RATE_BOUNDS[1]} % p.a.")
    return value


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer an ms<YYMMDD>.txt request from ``anbima__TPF_<date>.txt`` (None: not this endpoint).

    A date without a recorded file gets ANBIMA's answer for a date without a file: 404.
    """
    path = request.url.path
    if not path.startswith(FILE_DIR):
        return None
    m = _FILE_NAME.search(path)
    if not m:
        return httpx.Response(404, text="not found")
    try:
        day = datetime.strptime(m.group(1), "%y%m%d").date()
    except ValueError:
        return httpx.Response(404, text="not found")
    recorded = directory / file_name(day)
    if not recorded.exists():
        return httpx.Response(404, text="not found")
    body = _decode(recorded.read_bytes()).encode("iso-8859-1")
    return httpx.Response(200, content=body, headers={"content-type": "text/plain"})


# --- The shared real-data file (long CSV: date,bond_type,maturity,value,price) ---------------

CSV_HEADER = ("date", "bond_type", "maturity", "value", "price")


class AnbimaCsvFetcher:
    """Reads ``anbima__tpf_indicative_rates.csv`` (pyield-data's copy of ANBIMA's files).

    ``value`` is the indicative rate in % p.a. (dot decimals); ``price`` the PU, blank before
    2020. The file has no SELIC code, issue date, bid or ask: those stay null.
    """

    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = AnbimaFetcher.table
    key_columns: ClassVar[tuple[str, ...]] = AnbimaFetcher.key_columns
    value_columns: ClassVar[tuple[str, ...]] = AnbimaFetcher.value_columns
    extra_columns: ClassVar[tuple[str, ...]] = AnbimaFetcher.extra_columns
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_data(payload: RawPayload) -> list[AnbimaTpfRate]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        text = payload.body.decode("utf-8-sig", errors="replace")
        if not text.strip():
            raise fail("empty file")
        reader = csv.reader(io.StringIO(text))
        header = tuple(h.strip().lower() for h in next(reader))
        if header != CSV_HEADER:
            raise fail(f"header must be {','.join(CSV_HEADER)!r}, got {','.join(header)!r}")
        latest = date.today() + timedelta(days=7)
        days: dict[str, date] = {}  # 214k rows, ~4k dates: parse each date once
        records, seen = [], set()
        for line_no, row in enumerate(reader, start=2):
            if not row:
                continue
            rec = _csv_row(row, line_no, days, latest, fail)
            key = (rec.reference_date, rec.bond_type, rec.maturity_date)
            if key in seen:
                raise fail(f"line {line_no} repeats {key[1]} {key[2]} on {key[0]}")
            seen.add(key)
            records.append(rec)
        return records


def _csv_row(
    row: list[str], line_no: int, days: dict[str, date], latest: date, fail: Any
) -> AnbimaTpfRate:
    if len(row) != len(CSV_HEADER):
        raise fail(f"line {line_no} has {len(row)} fields, expected {len(CSV_HEADER)}")
    day_raw, bond, mat_raw, value_raw, price_raw = row
    try:
        day = days.get(day_raw) or days.setdefault(day_raw, date.fromisoformat(day_raw))
        mat = days.get(mat_raw) or days.setdefault(mat_raw, date.fromisoformat(mat_raw))
    except ValueError:
        raise fail(f"line {line_no} has a date that is not YYYY-MM-DD") from None
    if not FIRST_REFERENCE_DATE <= day <= latest:
        raise fail(f"line {line_no} date {day} is out of range")
    if bond not in BOND_TYPES:
        raise fail(f"line {line_no}: unknown bond type {bond!r}")
    if mat < day:
        raise fail(f"line {line_no} {bond} {mat} matured before {day}")
    rate = _csv_decimal(value_raw, line_no, "value", fail)
    if rate is None or not RATE_BOUNDS[0] <= rate <= RATE_BOUNDS[1]:
        raise fail(f"line {line_no} rate {value_raw!r} is missing or out of range")
    price = _csv_decimal(price_raw, line_no, "price", fail)
    if price is not None and price <= 0:
        raise fail(f"line {line_no} price {price_raw!r} is not positive")
    # Checked above; model_construct skips pydantic's per-row cost on 214k rows.
    return AnbimaTpfRate.model_construct(
        reference_date=day,
        bond_type=bond,
        maturity_date=mat,
        indicative_rate=rate,
        selic_code=None,
        issue_date=None,
        bid_rate=None,
        ask_rate=None,
        pu=price,
    )


def _csv_decimal(raw: str, line_no: int, what: str, fail: Any) -> Decimal | None:
    if raw == "" and what == "price":
        return None
    if raw in ("", "-", ".", "--") or "," in raw:
        raise fail(f"line {line_no} {what} {raw!r} is not a dot-decimal number")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise fail(f"line {line_no} {what} {raw!r} is not a number") from None
    if not value.is_finite():
        raise fail(f"line {line_no} {what} {raw!r} is not a finite number")
    return value


def load_anbima_csv(engine: Engine, path: Path) -> LoadResult:
    """Load the shared ``anbima__tpf_indicative_rates.csv``: archive, parse, upsert."""
    from macro_models.connectors.load import load_payload

    payload = RawPayload(
        source=SOURCE,
        item=ITEM,
        request={"file": path.name},
        body=path.read_bytes(),
        content_type="text/csv",
    )
    # A CSV loader, not a fetcher: no query or extract step (the loader needs neither).
    return load_payload(engine, cast("type[Fetcher]", AnbimaCsvFetcher), payload)
