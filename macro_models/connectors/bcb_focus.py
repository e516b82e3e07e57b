"""BCB Focus market expectations on Olinda (``/olinda/servico/Expectativas/versao/v1/odata``).

Four entity sets, one row per indicator, survey date (``Data``), reference and calculation
base: ``ExpectativasMercadoAnuais`` (reference year "2025", with ``IndicadorDetalhe``),
``ExpectativaMercadoMensais`` (reference month "03/2025"), ``ExpectativasMercadoSelic`` (Copom
meeting ``Reuniao`` "R1/2025") and ``ExpectativasMercadoInflacao12Meses`` (the next twelve
months, ``Suavizada`` "S" or "N"; stored with reference "12m"). ``baseCalculo`` 0 uses each
institution's latest forecast of the last 30 days, 1 only those updated in the last five
business days. Values keep Focus's units: % for IPCA, PIB and Selic, BRL per USD for Câmbio,
% of GDP for the primary balance.

known_at. ``Data`` is the day the statistic describes, one per business day; it is not the day
it became public. Olinda publishes a week's statistics with the Focus report, on the first
business day of the next week ("Os dados são publicados no primeiro dia útil de cada semana",
Olinda's documentation; the report itself comes out at 08:25). A public repository that
committed the newest Olinda row every week in 2023 shows it: on Thursdays the newest ``Data``
was still the previous Friday. So a row dated D is known at 08:30 Sao Paulo on the first B3
business day after the Friday of D's week: Monday, Tuesday after a Monday holiday, Wednesday
after Carnival. Dating it the business day after D would leak Monday-to-Thursday statistics up
to four days early; for a Friday both rules agree.

Requests: ``$filter=Indicador eq 'IPCA' and Data ge '2024-01-01' and Data le '2024-12-31'`` and
``$orderby=Data asc``, one request per calendar year of the window, paged with ``$top``/``$skip``
(10,000 rows; the next page is asked for only after a full one). Olinda reads a '+' in the query
string literally and answers HTTP 400, so the query string is built here with %20 for spaces
(httpx encodes params form-style, with '+').

Items (a query's ``code``, a payload's item): a dataset ``<indicator>_<horizon>``
(``ipca_annual``, ``selic_meetings``…, see ``DATASETS``) or a catalogued series
``<dataset>_<stat>`` (``ipca_12m_median``, ``ipca_annual_next_median``, see ``SERIES``), which
fetches its whole dataset. Tidy CSV rows of a series are stored with endpoint 'csv' and indicator
= the series code, so a CSV of medians, a CSV of means and the API's rows never overwrite each
other.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from macro_models.calendars import add_business_days
from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import odata_rows

SOURCE = "bcb_focus"
SERVICE_PATH = "/olinda/servico/Expectativas/versao/v1/odata/"
PAGE_SIZE = 10_000
ENDPOINTS = {
    "annual": "ExpectativasMercadoAnuais",
    "monthly": "ExpectativaMercadoMensais",
    "selic": "ExpectativasMercadoSelic",
    "inflation_12m": "ExpectativasMercadoInflacao12Meses",
}
CSV_ENDPOINT = "csv"
STATS = {"Media": "mean", "Mediana": "median", "DesvioPadrao": "std", "Minimo": "minimum",
         "Maximo": "maximum"}  # fmt: skip
COMMON_FIELDS = ("Indicador", "Data", *STATS, "numeroRespondentes", "baseCalculo")
REFERENCE_FIELD = {
    "annual": "DataReferencia",
    "monthly": "DataReferencia",
    "selic": "Reuniao",
    "inflation_12m": "Suavizada",
}
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
RELEASE_TIME = time(8, 30)
FIRST_SURVEY = date(1999, 1, 1)
# Rounded statistics may stray this far outside [Minimo, Maximo] (old rows have 2 decimals).
_TOLERANCE = Decimal("0.005")
_MONTH = re.compile(r"^(\d{2})/(\d{4})$")
_MEETING = re.compile(r"^R(\d{1,2})/(\d{4})$")
_WINDOW = re.compile(r"Data ge '(\d{4}-\d{2}-\d{2})' and Data le '(\d{4}-\d{2}-\d{2})'")
_INDICATOR = re.compile(r"Indicador eq '((?:[^']|'')*)'")
_PATH = re.compile(r"/olinda/servico/Expectativas/versao/v1/odata/(\w+)$")


@dataclass(frozen=True)
class Dataset:
    """One Olinda entity set filtered on one ``Indicador``."""

    code: str
    endpoint: str
    indicator: str


@dataclass(frozen=True)
class Series:
    """One statistic of a dataset as a daily series (base 30 days; smoothed for 12 months)."""

    code: str
    dataset: str
    stat: str
    years_ahead: int | None = None

    def reference(self, survey_date: date) -> str:
        """The reference the series reads on ``survey_date``: '12m' or a calendar year."""
        if self.years_ahead is None:
            return "12m"
        return str(survey_date.year + self.years_ahead)


DATASETS = {
    d.code: d
    for d in (
        Dataset("ipca_annual", "annual", "IPCA"),
        Dataset("selic_annual", "annual", "Selic"),
        Dataset("pib_annual", "annual", "PIB Total"),
        Dataset("cambio_annual", "annual", "Câmbio"),
        Dataset("primario_annual", "annual", "Resultado primário"),
        Dataset("ipca_monthly", "monthly", "IPCA"),
        Dataset("selic_meetings", "selic", "Selic"),
        Dataset("ipca_12m", "inflation_12m", "IPCA"),
    )
}
SERIES = {
    s.code: s
    for s in (
        Series("ipca_12m_median", "ipca_12m", "median"),
        Series("ipca_12m_mean", "ipca_12m", "mean"),
        Series("ipca_annual_median", "ipca_annual", "median", 0),
        Series("ipca_annual_next_median", "ipca_annual", "median", 1),
        Series("selic_annual_median", "selic_annual", "median", 0),
        Series("selic_annual_next_median", "selic_annual", "median", 1),
        Series("pib_annual_median", "pib_annual", "median", 0),
    )
}


def dataset_of(code: str) -> Dataset | None:
    """The dataset a dataset code or a series code fetches."""
    if code in SERIES:
        return DATASETS[SERIES[code].dataset]
    return DATASETS.get(code)


def survey_week_end(survey_date: date) -> date:
    """The Friday of the survey date's week (the Focus report's last survey day)."""
    return survey_date + timedelta(days=(4 - survey_date.weekday()) % 7)


def survey_known_at(survey_date: date) -> datetime:
    """08:30 Sao Paulo on the first B3 business day after the survey week (UTC-aware)."""
    day = add_business_days(survey_week_end(survey_date), 1, "B3")
    return datetime.combine(day, RELEASE_TIME, tzinfo=SAO_PAULO).astimezone(UTC)


class FocusQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="A dataset code ('ipca_annual') or a series code.")
    start: date = Field(description="First survey date (Data).")
    end: date = Field(description="Last survey date (Data).")
    page_size: int = Field(default=PAGE_SIZE, ge=1, le=PAGE_SIZE, description="OData $top.")

    @field_validator("code")
    @classmethod
    def _known_code(cls, v: str) -> str:
        if dataset_of(v) is None:
            known = ", ".join(sorted([*DATASETS, *SERIES]))
            raise ValueError(f"unknown Focus dataset or series {v!r}; known: {known}")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> FocusQuery:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    @property
    def dataset(self) -> Dataset:
        ds = dataset_of(self.code)
        assert ds is not None  # checked by the validator
        return ds

    def windows(self) -> list[tuple[date, date]]:
        """[start, end] cut at calendar-year ends."""
        out, lo = [], self.start
        while lo <= self.end:
            hi = min(date(lo.year, 12, 31), self.end)
            out.append((lo, hi))
            lo = hi + timedelta(days=1)
        return out


class FocusRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    endpoint: str = Field(description="'annual', 'monthly', 'selic', 'inflation_12m' or 'csv'.")
    indicator: str = Field(description="Indicador, e.g. 'IPCA'; the series code for 'csv'.")
    indicator_detail: str = Field(default="", description="IndicadorDetalhe; '' when absent.")
    reference: str = Field(description="'2025', '03/2025', 'R1/2025' or '12m'.")
    smoothed: str = Field(default="", description="Suavizada 'S'/'N' (12 months), else ''.")
    survey_date: date = Field(description="Data: the day the statistic describes.")
    calculation_base: int = Field(description="baseCalculo: 0 = 30 days, 1 = 5 business days.")
    mean: Decimal | None = Field(default=None, description="Media, in the indicator's unit.")
    median: Decimal | None = Field(default=None, description="Mediana.")
    std: Decimal | None = Field(default=None, description="DesvioPadrao.")
    minimum: Decimal | None = Field(default=None, description="Minimo.")
    maximum: Decimal | None = Field(default=None, description="Maximo.")
    respondents: int | None = Field(default=None, ge=0, description="numeroRespondentes.")

    @field_validator("endpoint")
    @classmethod
    def _known_endpoint(cls, v: str) -> str:
        if v not in ENDPOINTS and v != CSV_ENDPOINT:
            raise ValueError(f"unknown endpoint {v!r}")
        return v

    @field_validator("smoothed")
    @classmethod
    def _smoothing_flag(cls, v: str) -> str:
        if v not in ("", "S", "N"):
            raise ValueError(f"Suavizada is 'S' or 'N', got {v!r}")
        return v

    @field_validator("calculation_base")
    @classmethod
    def _base(cls, v: int) -> int:
        if v not in (0, 1):
            raise ValueError(f"baseCalculo is 0 or 1, got {v}")
        return v

    @model_validator(mode="after")
    def _has_a_statistic(self) -> FocusRecord:
        if self.mean is None and self.median is None:
            raise ValueError("a record needs its mean or its median")
        return self

    @property
    def observation_date(self) -> date:
        """The day the catalog's release rule anchors on (tidy CSV loads): the survey week's
        Friday, so that 'next business day at 08:30' gives the same known_at as
        ``BcbFocusFetcher.record_known_at``."""
        return survey_week_end(self.survey_date)


def csv_record(
    code: str, day: date, value: Decimal, reference_year: int | None = None
) -> FocusRecord:
    """A row of a tidy ``bcb_focus__<series>.csv`` file (endpoint 'csv', indicator = code).

    ``reference_year`` (a third CSV column) keeps the year a statistic is about when a file
    mixes years; gold then shows only the rows that are the series' own reference year.
    """
    series = SERIES.get(code)
    if series is None:
        raise KeyError(f"unknown Focus series {code!r}; known: {', '.join(sorted(SERIES))}")
    reference = series.reference(day) if reference_year is None else str(reference_year)
    try:
        return FocusRecord(
            endpoint=CSV_ENDPOINT,
            indicator=code,
            reference=reference,
            smoothed="S" if series.years_ahead is None else "",
            survey_date=day,
            calculation_base=0,
            mean=value if series.stat == "mean" else None,
            median=value if series.stat == "median" else None,
        )
    except ValidationError as exc:
        reason = f"{day}: {exc.errors()[0]['msg']}"
        raise PayloadError(SOURCE, code, f"bcb_focus__{code}.csv", reason) from None


class BcbFocusFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.bcb_focus__expectations"
    key_columns: ClassVar[tuple[str, ...]] = (
        "endpoint", "indicator", "indicator_detail", "reference", "smoothed", "survey_date",
        "calculation_base",
    )  # fmt: skip
    value_columns: ClassVar[tuple[str, ...]] = (
        "mean", "median", "std", "minimum", "maximum", "respondents",
    )  # fmt: skip

    @staticmethod
    def transform_query(params: dict[str, Any]) -> FocusQuery:
        return FocusQuery(**params)

    @staticmethod
    def extract_data(query: FocusQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        ds = query.dataset
        url = f"{base_url.rstrip('/')}{SERVICE_PATH}{ENDPOINTS[ds.endpoint]}"
        indicator = ds.indicator.replace("'", "''")
        payloads = []
        for lo, hi in query.windows():
            skip = 0
            while True:
                params = {
                    "$format": "json",
                    "$filter": f"Indicador eq '{indicator}' and Data ge '{lo}' and Data le '{hi}'",
                    "$orderby": "Data asc",
                    "$top": str(query.page_size),
                    "$skip": str(skip),
                }
                # The query string travels in the URL (params=None): see the module docstring.
                full = f"{url}?{urlencode(params, quote_via=quote, safe='')}"
                resp = get_with_retries(client, full, None, source=SOURCE, item=ds.code)
                payloads.append(
                    RawPayload(SOURCE, ds.code, {"url": url, "params": params}, resp.content,
                               resp.headers.get("content-type"))
                )  # fmt: skip
                rows = _row_count(resp.content)
                if rows is None or rows < query.page_size:
                    break
                skip += query.page_size
        return payloads

    @staticmethod
    def transform_data(payload: RawPayload) -> list[FocusRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        ds = dataset_of(payload.item)
        if ds is None:
            raise fail(f"{payload.item!r} is not a Focus dataset or series")
        rows = odata_rows(payload.body, fail)
        window = _request_window(payload.request)
        records, seen = [], set()
        for i, row in enumerate(rows):
            rec = _record(ds, i, row, window, fail)
            key = tuple(getattr(rec, c) for c in BcbFocusFetcher.key_columns)
            if key in seen:
                raise fail(f"record {i} repeats {rec.indicator} {rec.reference} of "
                           f"{rec.survey_date} (base {rec.calculation_base})")  # fmt: skip
            seen.add(key)
            records.append(rec)
        return records

    @staticmethod
    def record_known_at(record: FocusRecord) -> datetime:
        """The Focus release after the survey week (see the module docstring)."""
        return survey_known_at(record.survey_date)


def _row_count(body: bytes) -> int | None:
    try:
        rows = json.loads(body).get("value")
    except (ValueError, AttributeError):
        return None
    return len(rows) if isinstance(rows, list) else None


def _record(
    ds: Dataset, i: int, row: Any, window: tuple[date, date] | None, fail: Any
) -> FocusRecord:
    ref_field = REFERENCE_FIELD[ds.endpoint]
    fields = (*COMMON_FIELDS, ref_field)
    if not isinstance(row, dict) or any(f not in row for f in fields):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise fail(f"record {i} lacks one of {list(fields)} (has {keys})")
    if row["Indicador"] != ds.indicator:
        raise fail(f"record {i} is for Indicador {row['Indicador']!r}, not {ds.indicator!r}")
    day = _survey_date(i, row["Data"], window, fail)
    reference, smoothed = _reference(ds.endpoint, i, row[ref_field], day, fail)
    stats = {ours: _number(i, theirs, row[theirs], fail) for theirs, ours in STATS.items()}
    if stats["mean"] is None or stats["median"] is None:
        raise fail(f"record {i} of {day} has no Media or no Mediana")
    _check_bounds(i, day, stats, fail)
    return FocusRecord(
        endpoint=ds.endpoint,
        indicator=ds.indicator,
        indicator_detail=_detail(i, row.get("IndicadorDetalhe"), fail),
        reference=reference,
        smoothed=smoothed,
        survey_date=day,
        calculation_base=_integer(i, "baseCalculo", row["baseCalculo"], fail, allowed=(0, 1)),
        respondents=_respondents(i, row["numeroRespondentes"], fail),
        **stats,
    )


def _survey_date(i: int, raw: Any, window: tuple[date, date] | None, fail: Any) -> date:
    try:
        day = date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise fail(f"record {i} Data {raw!r} is not YYYY-MM-DD")
    if not FIRST_SURVEY <= day <= date.today() + timedelta(days=7):
        raise fail(f"record {i} Data {day} is out of range")
    if window and not window[0] <= day <= window[1]:
        raise fail(f"record {i} Data {day} is outside the requested window {window}")
    return day


def _reference(endpoint: str, i: int, raw: Any, day: date, fail: Any) -> tuple[str, str]:
    """(reference, smoothed) from DataReferencia, Reuniao or Suavizada."""
    if endpoint == "inflation_12m":
        if raw not in ("S", "N"):
            raise fail(f"record {i} Suavizada {raw!r} is not 'S' or 'N'")
        return "12m", raw
    text = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if endpoint == "annual":
        ok = text.isascii() and text.isdigit() and day.year - 2 <= int(text) <= day.year + 10
    elif endpoint == "monthly":
        m = _MONTH.match(text)
        ok = m is not None and 1 <= int(m[1]) <= 12 and day.year - 2 <= int(m[2]) <= day.year + 5
    else:
        m = _MEETING.match(text)
        ok = m is not None and 1 <= int(m[1]) <= 12 and day.year - 1 <= int(m[2]) <= day.year + 5
    if not ok:
        raise fail(f"record {i} reference {raw!r} is malformed or out of range for {day}")
    return text, ""


def _detail(i: int, raw: Any, fail: Any) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise fail(f"record {i} IndicadorDetalhe {raw!r} is not text")
    return raw.strip()


def _number(i: int, name: str, raw: Any, fail: Any) -> Decimal | None:
    """A JSON number; null is an absent statistic, any string is refused."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw.strip() in ("", "-"):
            raise fail(f"record {i} {name} is missing ({raw!r}); Olinda sends null")
        if "," in raw:
            raise fail(f"record {i} {name} {raw!r} uses a comma decimal separator")
        raise fail(f"record {i} {name} {raw!r} is a string, not a JSON number")
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise fail(f"record {i} {name} {raw!r} is not a number")
    value = Decimal(raw)
    if not value.is_finite():
        raise fail(f"record {i} {name} {raw!r} is not finite")
    return value


def _integer(i: int, name: str, raw: Any, fail: Any, allowed: tuple[int, ...]) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in allowed:
        raise fail(f"record {i} {name} {raw!r} is not one of {allowed}")
    return raw


def _respondents(i: int, raw: Any, fail: Any) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise fail(f"record {i} numeroRespondentes {raw!r} is not a count")
    return raw


def _check_bounds(i: int, day: date, stats: dict[str, Decimal | None], fail: Any) -> None:
    lo, hi = stats["minimum"], stats["maximum"]
    if lo is None or hi is None:
        return
    for name in ("mean", "median"):
        v = stats[name]
        if v is not None and not lo - _TOLERANCE <= v <= hi + _TOLERANCE:
            raise fail(f"record {i} of {day}: {name} {v} is outside [Minimo {lo}, Maximo {hi}]")


def _request_window(request: dict[str, Any]) -> tuple[date, date] | None:
    m = _WINDOW.search((request.get("params") or {}).get("$filter", ""))
    if m is None:
        return None
    return date.fromisoformat(m[1]), date.fromisoformat(m[2])


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer an Expectativas request from ``bcb_focus__<dataset>.json``, filtered and paged."""
    m = _PATH.search(request.url.path)
    if m is None:
        return None
    p = request.url.params
    endpoint = {v: k for k, v in ENDPOINTS.items()}.get(m[1])
    ind = _INDICATOR.search(p.get("$filter", ""))
    indicator = ind[1].replace("''", "'") if ind else None
    ds = next(
        (d for d in DATASETS.values() if (d.endpoint, d.indicator) == (endpoint, indicator)), None
    )
    path = directory / f"bcb_focus__{ds.code}.json" if ds else None
    if path is None or not path.exists():
        return httpx.Response(404, json={"error": {"message": f"no recorded {m[1]} {indicator}"}})
    doc = json.loads(path.read_text())
    rows = [r for r in doc["value"] if r["Indicador"] == indicator]
    if window := _request_window({"params": p}):
        lo, hi = (d.isoformat() for d in window)
        rows = [r for r in rows if lo <= r["Data"] <= hi]
    if p.get("$orderby", "").startswith("Data"):
        rows.sort(key=lambda r: r["Data"])
    skip, top = int(p.get("$skip", 0)), int(p.get("$top", PAGE_SIZE))
    return httpx.Response(200, json={**doc, "value": rows[skip : skip + top]})
