"""Deterministic IPEADATA payloads (OData ``ValoresSerie`` JSON) for the catalogued series.

EMBI+ Brazil (bp) is daily on B3 business days: log-linear between year-end anchors close to
history plus an AR(1) deviation. The DI x pre 360-day swap and the Focus 12-month IPCA
expectation are monthly (dated the first day of the month), piecewise linear between anchors
with small noise. ``VALDATA`` carries the Sao Paulo offset of its day (-02:00 on the summer-time
days before 2019, as IPEADATA writes them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from macro_models.calendars import business_days

ODATA_CONTEXT = "http://www.ipeadata.gov.br/api/odata4/$metadata#ValoresSerie"
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
_FIRST_YEAR = 2013
# Year-end anchors 2013..2024, close to history.
_EMBI = (224, 259, 523, 328, 240, 273, 212, 260, 307, 259, 195, 236)
_SWAP360 = (10.6, 12.9, 15.6, 12.6, 7.3, 7.0, 4.9, 2.8, 11.0, 13.6, 10.2, 15.2)
_IPCA_EXP = (5.9, 6.5, 6.9, 4.9, 4.1, 4.0, 3.6, 3.3, 5.0, 5.3, 3.9, 4.4)


def _valdata(day: date) -> str:
    offset = SAO_PAULO.utcoffset(datetime(day.year, day.month, day.day))
    hours = int(offset.total_seconds() // 3600) if offset is not None else -3
    return f"{day.isoformat()}T00:00:00{hours:+03d}:00"


def _anchored(days: list[date], anchors: tuple[float, ...], log: bool) -> np.ndarray:
    ends = [date(_FIRST_YEAR + i, 12, 31).toordinal() for i in range(len(anchors))]
    ys = np.log(anchors) if log else np.asarray(anchors, dtype=float)
    return np.interp([d.toordinal() for d in days], ends, ys)


def _row(code: str, day: date, value: float | None) -> dict[str, Any]:
    return {"SERCODIGO": code, "VALDATA": _valdata(day), "VALVALOR": value,
            "NIVNOME": "", "TERCODIGO": ""}  # fmt: skip


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        if date(y, m, 1) >= start.replace(day=1):
            out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def ipeadata_files(start: date, end: date, seed: int) -> dict[str, Any]:
    """``ipeadata__<code>.json``: one OData document per catalogued series for [start, end]."""
    rng = np.random.default_rng(seed + 311)
    days = business_days(start, end, "B3")
    trend = _anchored(days, _EMBI, log=True)
    dev, embi = 0.0, []
    for t in trend:
        dev = 0.985 * dev + rng.normal(0, 0.018)
        embi.append(float(round(np.exp(t + dev))))
    months = _months(start, end)
    swap = _anchored(months, _SWAP360, log=False) + rng.normal(0, 0.25, len(months))
    expect = _anchored(months, _IPCA_EXP, log=False) + rng.normal(0, 0.12, len(months))

    def doc(code: str, pairs: list[tuple[date, float | None]]) -> dict[str, Any]:
        return {"@odata.context": ODATA_CONTEXT, "value": [_row(code, d, v) for d, v in pairs]}

    return {
        "ipeadata__JPM366_EMBI366.json": doc("JPM366_EMBI366", list(zip(days, embi, strict=True))),
        "ipeadata__BMF12_SWAPDI36012.json": doc(
            "BMF12_SWAPDI36012",
            [(d, round(float(v), 4)) for d, v in zip(months, np.maximum(swap, 1.5), strict=True)],
        ),
        "ipeadata__BM12_IPCAEXP1212.json": doc(
            "BM12_IPCAEXP1212",
            [(d, round(float(v), 2)) for d, v in zip(months, expect, strict=True)],
        ),
    }
