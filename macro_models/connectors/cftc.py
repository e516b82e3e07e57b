"""CFTC Commitments of Traders, Traders in Financial Futures, futures only (Socrata ``gpe5-46if``).

``GET {cftc_url}/resource/gpe5-46if.json?$where=cftc_contract_market_code='102741' AND
report_date_as_yyyy_mm_dd between '2024-01-01T00:00:00' and '2024-12-31T00:00:00'
&$order=report_date_as_yyyy_mm_dd&$limit=50000&$offset=0`` returns a JSON list of objects, one a
weekly report of the contract, every field a string: ``"report_date_as_yyyy_mm_dd":
"2024-01-02T00:00:00.000"``, ``"open_interest_all": "51234"``, the long and short positions of
the four reportable trader categories (dealers, asset managers, leveraged funds, other
reportables) and of the non-reportables. Field names are Socrata's, read by name (note the
inconsistent ``_all`` suffixes: ``dealer_positions_long_all`` but ``asset_mgr_positions_long``).
A window without reports is ``[]``. Socrata pages with ``$limit``/``$offset``: a full page asks
for the next one.

Contracts are addressed by a platform code (``CONTRACTS``: ``BRL`` is the CME Brazilian real,
CFTC code 102741; ``DXY`` the ICE US dollar index, 098662). A query's code may also be the CFTC
code itself, a catalogued series code (``BRL_lev_net``) or ``curve`` (every default contract).

known_at (``record_known_at``): positions are as of Tuesday's close and published on Friday at
15:30 New York. A holiday in the week delays the release by a day (the Monday after
Thanksgiving), so the rule is the third business day after the report date at 15:30 New York,
counting NYSE sessions and skipping the federal holidays on which the NYSE trades but the CFTC
is closed (Columbus Day, Veterans Day, Juneteenth 2021). The catalog rows ``cftc__*`` state the
same rule (3 NYSE business days, 15:30) without the federal-only holidays.

Versioning: every position and the open interest are compared (the CFTC republishes corrected
reports); the market name is stored, not compared (CFTC renames markets over the years).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from macro_models.calendars import is_business_day
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries

SOURCE = "cftc"
TFF_PATH = "/resource/gpe5-46if.json"
PAGE_LIMIT = 50000
NEW_YORK = ZoneInfo("America/New_York")
RELEASE_TIME = time(15, 30)  # New York, the Friday after the Tuesday of the positions
RELEASE_LAG_BD = 3
FIRST_REPORT_DATE = date(2006, 6, 13)  # the TFF history starts in June 2006
DATE_FIELD = "report_date_as_yyyy_mm_dd"
# Record field -> Socrata field, every one required.
POSITION_FIELDS: dict[str, str] = {
    "open_interest": "open_interest_all",
    "dealer_long": "dealer_positions_long_all",
    "dealer_short": "dealer_positions_short_all",
    "asset_mgr_long": "asset_mgr_positions_long",
    "asset_mgr_short": "asset_mgr_positions_short",
    "lev_money_long": "lev_money_positions_long",
    "lev_money_short": "lev_money_positions_short",
    "other_rept_long": "other_rept_positions_long",
    "other_rept_short": "other_rept_positions_short",
    "nonrept_long": "nonrept_positions_long_all",
    "nonrept_short": "nonrept_positions_short_all",
}
_SOCRATA_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})T00:00:00(?:\.000)?$")
_WHERE = re.compile(
    r"cftc_contract_market_code\s*=\s*'(\w+)'\s+AND\s+" + DATE_FIELD
    + r"\s+between\s+'(\d{4}-\d{2}-\d{2})T00:00:00'\s+and\s+'(\d{4}-\d{2}-\d{2})T00:00:00'",
    re.IGNORECASE,
)  # fmt: skip


@dataclass(frozen=True)
class Contract:
    code: str  # platform code, e.g. BRL
    cftc_code: str  # CFTC_Contract_Market_Code
    name: str  # market_and_exchange_names when last checked (informative, not enforced)


CONTRACTS: tuple[Contract, ...] = (
    Contract("BRL", "102741", "BRAZILIAN REAL - CHICAGO MERCANTILE EXCHANGE"),
    Contract("DXY", "098662", "USD INDEX - ICE FUTURES U.S."),
    Contract("MXN", "095741", "MEXICAN PESO - CHICAGO MERCANTILE EXCHANGE"),
    Contract("EUR", "099741", "EURO FX - CHICAGO MERCANTILE EXCHANGE"),
    Contract("JPY", "097741", "JAPANESE YEN - CHICAGO MERCANTILE EXCHANGE"),
)
BY_CODE = {c.code: c for c in CONTRACTS}
BY_CFTC_CODE = {c.cftc_code: c for c in CONTRACTS}
# Fetched for 'curve' (one ingest pass over the source): the contracts the catalog uses.
DEFAULT_CONTRACTS: tuple[str, ...] = ("BRL", "DXY")
ALL = "curve"


def contract(code: str) -> Contract:
    """A contract by platform code (BRL), CFTC code (102741) or series code (BRL_lev_net)."""
    if code in BY_CFTC_CODE:
        return BY_CFTC_CODE[code]
    base = code.split("_", 1)[0].upper()
    if base in BY_CODE:
        return BY_CODE[base]
    known = ", ".join(f"{c.code} ({c.cftc_code})" for c in CONTRACTS)
    raise KeyError(f"unknown CFTC contract {code!r}; known: {known}")


def _federal_only_holiday(day: date) -> bool:
    """Federal holidays on which the NYSE trades (the CFTC does not publish)."""
    if day.month == 10 and day.weekday() == 0 and 8 <= day.day <= 14:
        return True  # Columbus Day, second Monday of October
    veterans = date(day.year, 11, 11)
    if veterans.weekday() == 5:
        veterans -= timedelta(days=1)
    elif veterans.weekday() == 6:
        veterans += timedelta(days=1)
    return day == veterans or day == date(2021, 6, 18)  # Juneteenth 2021: NYSE open


def release_day(report_date: date) -> date:
    """The third CFTC business day after ``report_date`` (a Tuesday: the Friday)."""
    day, left = report_date, RELEASE_LAG_BD
    while left:
        day += timedelta(days=1)
        if is_business_day(day, "NYSE") and not _federal_only_holiday(day):
            left -= 1
    return day


class CftcQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(
        default=ALL,
        description="Platform contract code ('BRL'), CFTC code ('102741'), a series code "
        "('BRL_lev_net') or 'curve' for the default contracts.",
    )
    start: date = Field(description="First report date (Tuesday of the positions) wanted.")
    end: date = Field(description="Last report date wanted.")

    @field_validator("code")
    @classmethod
    def _known(cls, v: str) -> str:
        if v == ALL:
            return v
        try:
            return contract(v).code
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None

    @model_validator(mode="after")
    def _ordered(self) -> CftcQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.end < FIRST_REPORT_DATE:
            raise ValueError(
                f"the TFF report starts on {FIRST_REPORT_DATE}, asked until {self.end}"
            )
        return self

    def contracts(self) -> list[Contract]:
        codes = DEFAULT_CONTRACTS if self.code == ALL else (self.code,)
        return [BY_CODE[c] for c in codes]


class CftcTffPosition(BaseModel):
    """One weekly TFF report of one contract: positions in contracts, as of Tuesday's close."""

    model_config = ConfigDict(frozen=True)

    contract_code: str = Field(description="CFTC contract market code, e.g. '102741' (BRL).")
    report_date: date = Field(description="Date of the positions (a Tuesday, as a rule).")
    contract: str = Field(description="Platform contract code, e.g. 'BRL'.")
    market_and_exchange_names: str = Field(description="Market name as published.")
    open_interest: int = Field(ge=0, description="Open interest, contracts.")
    dealer_long: int = Field(ge=0, description="Dealer/intermediary long, contracts.")
    dealer_short: int = Field(ge=0, description="Dealer/intermediary short, contracts.")
    asset_mgr_long: int = Field(ge=0, description="Asset manager/institutional long, contracts.")
    asset_mgr_short: int = Field(ge=0, description="Asset manager/institutional short, contracts.")
    lev_money_long: int = Field(ge=0, description="Leveraged funds long, contracts.")
    lev_money_short: int = Field(ge=0, description="Leveraged funds short, contracts.")
    other_rept_long: int = Field(ge=0, description="Other reportables long, contracts.")
    other_rept_short: int = Field(ge=0, description="Other reportables short, contracts.")
    nonrept_long: int = Field(ge=0, description="Non-reportable positions long, contracts.")
    nonrept_short: int = Field(ge=0, description="Non-reportable positions short, contracts.")

    @field_validator("contract_code")
    @classmethod
    def _known_contract(cls, v: str) -> str:
        if v not in BY_CFTC_CODE:
            raise ValueError(f"unknown CFTC contract market code {v!r}")
        return v

    @model_validator(mode="after")
    def _within_open_interest(self) -> CftcTffPosition:
        for name in POSITION_FIELDS:
            if name != "open_interest" and getattr(self, name) > self.open_interest:
                raise ValueError(f"{name} {getattr(self, name)} exceeds open interest")
        return self

    @property
    def observation_date(self) -> date:
        return self.report_date

    @property
    def lev_money_net(self) -> int:
        return self.lev_money_long - self.lev_money_short

    @property
    def asset_mgr_net(self) -> int:
        return self.asset_mgr_long - self.asset_mgr_short


def record_known_at(record: CftcTffPosition) -> datetime:
    """15:30 New York on the third CFTC business day after the report date, as UTC."""
    local = datetime.combine(release_day(record.report_date), RELEASE_TIME, tzinfo=NEW_YORK)
    return local.astimezone(UTC)


def where_clause(cftc_code: str, start: date, end: date) -> str:
    return (
        f"cftc_contract_market_code='{cftc_code}' AND {DATE_FIELD} between "
        f"'{start.isoformat()}T00:00:00' and '{end.isoformat()}T00:00:00'"
    )


class CftcFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.cftc__tff_positions"
    key_columns: ClassVar[tuple[str, ...]] = ("contract_code", "report_date")
    value_columns: ClassVar[tuple[str, ...]] = tuple(POSITION_FIELDS)
    extra_columns: ClassVar[tuple[str, ...]] = ("contract", "market_and_exchange_names")
    # Contracts, not catalogued series: the catalogued nets are computed in dbt.
    items: ClassVar[tuple[str, ...]] = DEFAULT_CONTRACTS
    # The catalog's codes (BRL_lev_net, BRL_am_net) are read from the same report.
    one_request_for_all_codes: ClassVar[bool] = True
    record_known_at = staticmethod(record_known_at)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> CftcQuery:
        return CftcQuery(**params)

    @staticmethod
    def extract_data(query: CftcQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{TFF_PATH}"
        payloads = []
        for c in query.contracts():
            offset = 0
            while True:
                params = {
                    "$where": where_clause(c.cftc_code, query.start, query.end),
                    "$order": DATE_FIELD,
                    "$limit": str(PAGE_LIMIT),
                    "$offset": str(offset),
                }
                resp = get_with_retries(client, url, params, source=SOURCE, item=c.code)
                payloads.append(
                    RawPayload(
                        source=SOURCE,
                        item=c.code,
                        request={"url": url, "params": params},
                        body=resp.content,
                        content_type=resp.headers.get("content-type"),
                    )
                )
                if _row_count(resp.content) < PAGE_LIMIT:
                    break
                offset += PAGE_LIMIT
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[CftcTffPosition]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        try:
            inst = contract(payload.item)
        except KeyError as exc:
            raise fail(exc.args[0]) from None
        rows = _rows(payload.body, fail)
        window = _window(payload.request)
        if window and window[0] != inst.cftc_code:
            raise fail(f"the request asks for contract {window[0]}, the item is {inst.code}")
        latest = payload.fetched_at.astimezone(NEW_YORK).date()
        records, seen = [], set()
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise fail(f"row {i} is {type(row).__name__}, not an object")
            day = _report_date(row, i, latest, fail)
            if window and not window[1] <= day <= window[2]:
                raise fail(f"row {i} report date {day} is outside {window[1]}..{window[2]}")
            if day in seen:
                raise fail(f"report date {day} appears twice")
            seen.add(day)
            records.append(_record(row, i, day, inst, fail))
        return records


def _record(row: dict[str, Any], i: int, day: date, inst: Contract, fail: Any) -> CftcTffPosition:
    code = row.get("cftc_contract_market_code", inst.cftc_code)
    if code != inst.cftc_code:
        raise fail(f"row {i} is contract {code!r}, not {inst.cftc_code} ({inst.code})")
    name = row.get("market_and_exchange_names")
    if not isinstance(name, str) or not name.strip():
        raise fail(f"row {i} ({day}) lacks 'market_and_exchange_names'")
    values = {ours: _count(row, theirs, day, fail) for ours, theirs in POSITION_FIELDS.items()}
    try:
        return CftcTffPosition(
            contract_code=inst.cftc_code,
            report_date=day,
            contract=inst.code,
            market_and_exchange_names=name.strip(),
            **values,
        )
    except ValidationError as exc:
        raise fail(f"row {i} ({day}): {exc.errors()[0]['msg']}") from None


def _row_count(body: bytes) -> int:
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return 0  # transform_data will say what is wrong
    return len(doc) if isinstance(doc, list) else 0


def _rows(body: bytes, fail: Any) -> list[Any]:
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        raise fail("empty body")
    if text.startswith("<"):
        raise fail(f"an HTML page instead of JSON: {text[:80]!r}")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid or truncated JSON ({exc.msg} at char {exc.pos})") from None
    if isinstance(doc, dict):
        # Socrata's errors: {"error": true, "message": "..."} or {"code": ..., "message": ...}
        raise fail(f"Socrata error object instead of rows: {str(doc.get('message', doc))[:120]}")
    if not isinstance(doc, list):
        raise fail(f"expected a JSON list of rows, got {type(doc).__name__}")
    return doc


def _report_date(row: dict[str, Any], i: int, latest: date, fail: Any) -> date:
    raw = row.get(DATE_FIELD)
    if not isinstance(raw, str):
        raise fail(f"row {i} lacks {DATE_FIELD!r} (has {sorted(row)[:8]})")
    m = _SOCRATA_DATE.match(raw.strip())
    try:
        day = date.fromisoformat(m.group(1)) if m else None
    except ValueError:
        day = None
    if day is None:
        raise fail(f"row {i} {DATE_FIELD} {raw!r} is not YYYY-MM-DDT00:00:00.000")
    if not FIRST_REPORT_DATE <= day <= latest:
        raise fail(
            f"row {i} report date {day} is out of range (before 2006-06-13 or after the fetch)"
        )
    if day.weekday() >= 5:
        raise fail(f"row {i} report date {day} is a weekend day")
    return day


def _count(row: dict[str, Any], field: str, day: date, fail: Any) -> int:
    if field not in row:
        raise fail(f"{day}: field {field!r} is missing (renamed?)")
    raw = row[field]
    if isinstance(raw, bool) or raw is None:
        raise fail(f"{day}: {field} is {raw!r}, not a count")
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        raise fail(f"{day}: {field} is {raw!r}, not a count")
    text = raw.strip()
    if text in ("", "-", "."):
        raise fail(f"{day}: {field} is missing ({raw!r})")
    if "," in text or "." in text:
        raise fail(f"{day}: {field} is {raw!r}; counts are plain integers (a separator?)")
    if not text.isdigit():
        raise fail(f"{day}: {field} is {raw!r}, not a non-negative integer")
    return int(text)


def _window(request: dict[str, Any]) -> tuple[str, date, date] | None:
    """(cftc code, start, end) from the request's $where, if it has one."""
    where = (request.get("params") or {}).get("$where")
    m = _WHERE.search(where or "")
    if m is None:
        return None
    return m.group(1), date.fromisoformat(m.group(2)), date.fromisoformat(m.group(3))


def file_name(code: str) -> str:
    """The recorded history of one contract: ``cftc__<code>.json`` (the Socrata JSON list)."""
    return f"{SOURCE}__{code}.json"


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a TFF request from ``cftc__<code>.json``, honouring $where's window and paging.

    A contract without a recorded file gets Socrata's answer for no matching rows: ``[]``.
    """
    if not request.url.path.endswith(TFF_PATH):
        return None
    p = request.url.params
    m = _WHERE.search(p.get("$where", ""))
    if m is None:
        return httpx.Response(400, json={"error": True, "message": "replay: unsupported $where"})
    inst = BY_CFTC_CODE.get(m.group(1))
    path = directory / file_name(inst.code) if inst else None
    if path is None or not path.exists():
        return httpx.Response(200, json=[])
    lo, hi = m.group(2), m.group(3)
    rows = [r for r in json.loads(path.read_text()) if lo <= r[DATE_FIELD][:10] <= hi]
    rows.sort(key=lambda r: r[DATE_FIELD])
    offset, limit = int(p.get("$offset", 0)), int(p.get("$limit", 1000))
    return httpx.Response(200, json=rows[offset : offset + limit])
