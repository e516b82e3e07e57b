"""IBGE SIDRA aggregates: ``/values/t/{table}/n1/all/v/{variable}/p/{periods}[/c{cls}/{cat}]``.

The body is a JSON list whose first element is the header row, mapping the column keys ("NC",
"MN", "V", "D1C", "D2C", ...) to labels ("Valor", "Mês (Código)", "Variável (Código)", ...);
the data rows follow with the same keys, every value a string. Dimensions are found by their
labels, not by position: the period is the ``D?C`` column labelled "Mês", "Trimestre" or
"Trimestre Móvel", the variable the one labelled "Variável", the classification the remaining
one. "V" holds the value with a dot decimal; "..." (not available) is skipped, anything else
that is not a number ("-", "X", "") is refused.

Series (``ibge__<code>``, see SERIES): IPCA monthly change by group (table 7060, variable 63,
classification 315), PNAD Contínua unemployment rate (table 6381, variable 4099, rolling
quarters coded by their last month 'YYYYMM') and quarterly GDP, change on the previous quarter,
seasonally adjusted (table 5932, variable 6564, classification 11255 / 90707 "PIB a preços de
mercado"). Periods: monthly 'YYYYMM' -> the first day of the month; quarterly 'YYYYQQ' (quarter
01..04) -> the first day of the quarter. The request asks only for the window's periods.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from macro_models.connectors.base import RawPayload
from macro_models.connectors.errors import PayloadError
from macro_models.connectors.http import get_with_retries
from macro_models.connectors.payloads import json_body

SOURCE = "ibge"
FIRST_DAY = date(1979, 1, 1)
PERIOD_LABELS = ("Mês", "Trimestre", "Trimestre Móvel")
_PATH = re.compile(r"/values/t/(\d+)/n1/all/v/(\d+)/p/(\d{6})-(\d{6})(?:/c(\d+)/(\d+))?$")


@dataclass(frozen=True)
class SidraSeries:
    table_id: int
    variable_id: int
    classification: str  # '' when the table has no classification in the request
    category: str
    frequency: str  # 'monthly' or 'quarterly' (period codes YYYYMM or YYYYQQ)


IPCA_GROUPS = {
    "7169": "Índice geral",
    "7170": "1.Alimentação e bebidas",
    "7445": "2.Habitação",
    "7486": "3.Artigos de residência",
    "7558": "4.Vestuário",
    "7625": "5.Transportes",
    "7660": "6.Saúde e cuidados pessoais",
    "7712": "7.Despesas pessoais",
    "7766": "8.Educação",
    "7786": "9.Comunicação",
}
SERIES: dict[str, SidraSeries] = {
    **{f"ipca_{cat}": SidraSeries(7060, 63, "315", cat, "monthly") for cat in IPCA_GROUPS},
    "pnad_unemployment": SidraSeries(6381, 4099, "", "", "monthly"),
    "gdp_qoq_sa": SidraSeries(5932, 6564, "11255", "90707", "quarterly"),
}


def period_code(day: date, frequency: str) -> str:
    if frequency == "quarterly":
        return f"{day.year}{(day.month - 1) // 3 + 1:02d}"
    return f"{day.year}{day.month:02d}"


def period_date(code: str, frequency: str) -> date:
    """'YYYYMM' -> first day of the month; 'YYYYQQ' -> first day of the quarter."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise ValueError(f"period {code!r} is not six digits")
    year, sub = int(code[:4]), int(code[4:])
    if frequency == "quarterly":
        if not 1 <= sub <= 4:
            raise ValueError(f"quarter {sub} of {code!r} is not 01..04")
        return date(year, 3 * sub - 2, 1)
    return date(year, sub, 1)  # ValueError on month 13


class SidraQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Series code, e.g. 'ipca_7169' (see ibge.SERIES).")
    start: date
    end: date

    @model_validator(mode="after")
    def _valid(self) -> SidraQuery:
        if self.code not in SERIES:
            raise ValueError(f"unknown IBGE series {self.code!r}; known: {', '.join(SERIES)}")
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self

    @property
    def series(self) -> SidraSeries:
        return SERIES[self.code]

    def path(self) -> str:
        s = self.series
        lo = period_code(self.start, s.frequency)
        hi = period_code(self.end, s.frequency)
        path = f"/values/t/{s.table_id}/n1/all/v/{s.variable_id}/p/{lo}-{hi}"
        if s.classification:
            path += f"/c{s.classification}/{s.category}"
        return path


class SidraRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_id: int = Field(description="SIDRA table (agregado) number.")
    variable_id: int = Field(description="SIDRA variable number.")
    classification: str = Field(description="Classification number ('315'), '' if none.")
    category: str = Field(description="Category of the classification ('7169'), '' if none.")
    period: str = Field(description="SIDRA period code: 'YYYYMM' or 'YYYYQQ'.")
    observation_date: date = Field(description="First day of the period's (last) month/quarter.")
    value: Decimal = Field(description="Value in percent, as published (dot decimal).")


class IbgeSidraFetcher:
    key: ClassVar[str] = SOURCE
    table: ClassVar[str] = "bronze.ibge__sidra_values"
    key_columns: ClassVar[tuple[str, ...]] = (
        "table_id", "variable_id", "classification", "category", "period",
    )  # fmt: skip
    value_columns: ClassVar[tuple[str, ...]] = ("value",)
    extra_columns: ClassVar[tuple[str, ...]] = ("observation_date",)

    @staticmethod
    def transform_query(params: dict[str, Any]) -> SidraQuery:
        return SidraQuery(**params)

    @staticmethod
    def extract_data(query: SidraQuery, client: httpx.Client, base_url: str) -> list[RawPayload]:
        url = f"{base_url.rstrip('/')}{query.path()}"
        resp = get_with_retries(client, url, None, source=SOURCE, item=query.code)
        return [
            RawPayload(SOURCE, query.code, {"url": url}, resp.content,
                       resp.headers.get("content-type"))
        ]  # fmt: skip

    @staticmethod
    def transform_data(payload: RawPayload) -> list[SidraRecord]:
        def fail(reason: str) -> PayloadError:
            return PayloadError(SOURCE, payload.item, payload.describe_request(), reason)

        series = SERIES.get(payload.item)
        if series is None:
            raise fail(f"{payload.item!r} is not a known IBGE series")
        rows = _parse_json_list(payload.body, fail)
        columns = _columns(rows[0], series, fail)
        window = _request_window(str(payload.request.get("url", "")), series)
        records, seen = [], set()
        for i, row in enumerate(rows[1:], start=1):
            rec = _record(i, row, columns, series, window, fail)
            if rec is None:
                continue
            if rec.period in seen:
                raise fail(f"period {rec.period} appears twice")
            seen.add(rec.period)
            records.append(rec)
        return records


def _parse_json_list(body: bytes, fail: Any) -> list[Any]:
    # SIDRA answers bad requests with a plain-text message ("Parâmetro ... inválido").
    data = json_body(body, fail, show_text=True)
    if not isinstance(data, list):
        raise fail(f"expected a JSON list, got {type(data).__name__}")
    if not data:
        raise fail("an empty list: not even the header row")
    return data


def _columns(header: Any, series: SidraSeries, fail: Any) -> dict[str, str]:
    """Keys of the value, period, variable and classification columns, from the header row."""
    if not isinstance(header, dict) or header.get("V") != "Valor":
        raise fail(f"the first element is not SIDRA's header row (V -> 'Valor'): {header!r:.120}")
    codes = {k: str(v) for k, v in header.items() if re.fullmatch(r"D\dC", k)}
    found: dict[str, str] = {"value": "V"}
    for key, label in codes.items():
        name = label.removesuffix(" (Código)")
        if name in PERIOD_LABELS:
            found["period"] = key
        elif name == "Variável":
            found["variable"] = key
        elif key != "D1C":  # D1 is the territory (Brasil)
            found["category"] = key
    missing = [c for c in ("period", "variable") if c not in found]
    if series.classification and "category" not in found:
        missing.append("category")
    if missing:
        raise fail(f"header row lacks the {missing} columns (has {sorted(codes.values())})")
    return found


def _record(
    i: int,
    row: Any,
    cols: dict[str, str],
    series: SidraSeries,
    window: tuple[date, date] | None,
    fail: Any,
) -> SidraRecord | None:
    if not isinstance(row, dict) or any(k not in row for k in cols.values()):
        keys = sorted(row) if isinstance(row, dict) else type(row).__name__
        raise fail(f"row {i} lacks one of {sorted(cols.values())} (has {keys})")
    if str(row[cols["variable"]]) != str(series.variable_id):
        raise fail(f"row {i} is variable {row[cols['variable']]!r}, not {series.variable_id}")
    category = str(row[cols["category"]]) if "category" in cols else ""
    if series.classification and category != series.category:
        raise fail(f"row {i} is category {category!r}, not {series.category}")
    period = str(row[cols["period"]])
    try:
        day = period_date(period, series.frequency)
    except ValueError as exc:
        raise fail(f"row {i} period: {exc}") from None
    if not FIRST_DAY <= day <= date.today() + timedelta(days=366):
        raise fail(f"row {i} period {period} is out of range")
    if window and not window[0] <= day <= window[1]:
        raise fail(f"row {i} period {period} is outside the requested window {window}")
    value = _value(row["V"], period, fail)
    if value is None:
        return None
    return SidraRecord(
        table_id=series.table_id,
        variable_id=series.variable_id,
        classification=series.classification,
        category=series.category,
        period=period,
        observation_date=day,
        value=value,
    )


def _value(raw: Any, period: str, fail: Any) -> Decimal | None:
    text = raw.strip() if isinstance(raw, str) else raw
    if text == "...":  # not available for this period: nothing to know
        return None
    if not isinstance(text, str):
        raise fail(f"value {raw!r} of {period} is not a string as SIDRA sends")
    if text in ("", "-", "X", ".."):
        raise fail(f"value of {period} is missing ({raw!r})")
    if "," in text:
        raise fail(f"value {raw!r} of {period} uses a comma decimal separator; SIDRA uses '.'")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise fail(f"value {raw!r} of {period} is not a number") from None
    if not value.is_finite():
        raise fail(f"value {raw!r} of {period} is not finite")
    return value


def _request_window(url: str, series: SidraSeries) -> tuple[date, date] | None:
    m = _PATH.search(httpx.URL(url).path) if url else None
    if m is None:
        return None
    try:
        return period_date(m.group(3), series.frequency), period_date(m.group(4), series.frequency)
    except ValueError:
        return None


def replay(directory: Path, request: httpx.Request) -> httpx.Response | None:
    """Answer a SIDRA ``/values`` request from ``ibge__<code>.json`` for the asked periods."""
    m = _PATH.search(request.url.path)
    if m is None:
        return None
    table, variable, lo, hi, cls, cat = m.groups()
    code = next(
        (c for c, s in SERIES.items()
         if (str(s.table_id), str(s.variable_id), s.classification, s.category)
         == (table, variable, cls or "", cat or "")),
        None,
    )  # fmt: skip
    path = directory / f"ibge__{code}.json"
    if code is None or not path.exists():
        return httpx.Response(400, text="Tabela, variável ou classificação não disponível")
    header, *rows = json.loads(path.read_text())
    key = next(k for k, v in header.items() if str(v).removesuffix(" (Código)") in PERIOD_LABELS)
    rows = [r for r in rows if lo <= r[key] <= hi]
    return httpx.Response(200, json=[header, *rows])
