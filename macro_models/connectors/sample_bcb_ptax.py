"""Deterministic PTAX payloads in Olinda's ``CotacaoMoedaPeriodo`` JSON, for USD, EUR and GBP.

The USD closing PTAX ask is the sample's SGS series 1 (the same PTAX, as in reality), so the two
sources agree. EUR and GBP come through cross rates: EUR/USD and GBP/USD parities mean-revert
around year-end anchors close to history. Each business day has five bulletins: the opening
(10h window), three intermediate ones (11h, 12h, 13h windows) and the closing PTAX, whose rates
are the average of the four windows', published a few milliseconds after the 13h bulletin.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from macro_models.connectors.sample import generate_sgs

SAMPLE_CURRENCIES = ("USD", "EUR", "GBP")
ODATA_CONTEXT = "https://was-p/olinda/servico/PTAX/versao/v1/odata$metadata#_CotacaoMoedaPeriodo"
_USD_SPREAD = 0.0006  # BRL between the bid and the ask of a USD bulletin
_PARITY_SPREAD = 0.0004  # USD between the parity bid and ask of EUR and GBP
_WINDOW_VOL = 0.0025  # log deviation of one PTAX window's rate from the day's average
# Year-end parities (USD per unit), close to history; the path mean-reverts towards them.
_PARITY_ANCHORS = {
    "EUR": (1.38, 1.21, 1.09, 1.05, 1.20, 1.14, 1.12, 1.22, 1.13, 1.07, 1.10, 1.04),
    "GBP": (1.65, 1.56, 1.47, 1.23, 1.35, 1.27, 1.32, 1.37, 1.35, 1.21, 1.27, 1.25),
}
_FIRST_ANCHOR_YEAR = 2013


def usd_closing(start: date, end: date, seed: int) -> dict[date, float]:
    """The USD/BRL closing PTAX ask of each sample business day (the sample's SGS series 1)."""
    rows = generate_sgs(start, end, seed)["1"]
    return {datetime.strptime(r["data"], "%d/%m/%Y").date(): float(r["valor"]) for r in rows}


def bcb_ptax_files(start: date, end: date, seed: int) -> dict[str, Any]:
    """``bcb_ptax__<currency>.json``: one OData document per currency for [start, end]."""
    usd = usd_closing(start, end, seed)
    days = sorted(usd)
    rng = np.random.default_rng(seed + 101)
    usd_windows = _windows(np.array([usd[d] for d in days]), rng)
    times = [_bulletin_times(d, rng) for d in days]
    files = {"bcb_ptax__USD.json": _document(days, times, usd_windows, None)}
    for currency in SAMPLE_CURRENCIES[1:]:
        parity = _parity_path(days, _PARITY_ANCHORS[currency], rng)
        files[f"bcb_ptax__{currency}.json"] = _document(
            days, times, usd_windows, _windows(parity, rng)
        )
    return files


def _windows(closing: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Four window rates per day (shape n x 4) whose average is the day's closing rate."""
    dev = rng.normal(0, _WINDOW_VOL, (len(closing), 4))
    dev -= dev.mean(axis=1, keepdims=True)
    return closing[:, None] * (1 + dev)


def _parity_path(
    days: list[date], anchors: tuple[float, ...], rng: np.random.Generator
) -> np.ndarray:
    """Daily parity: log-linear between year-end anchors plus an AR(1) deviation (7 %/yr)."""
    ends = [date(_FIRST_ANCHOR_YEAR + i, 12, 31).toordinal() for i in range(len(anchors))]
    trend = np.interp([d.toordinal() for d in days], ends, np.log(anchors))
    dev, out = 0.0, np.empty(len(days))
    for i in range(len(days)):
        dev = 0.98 * dev + rng.normal(0, 0.07 / np.sqrt(252))
        out[i] = np.exp(trend[i] + dev)
    return out


def _bulletin_times(day: date, rng: np.random.Generator) -> list[datetime]:
    """Opening, three intermediate bulletins, then the closing a few milliseconds later."""
    base = datetime(day.year, day.month, day.day)
    out = []
    for hour in (10, 11, 12, 13):
        offset = timedelta(minutes=int(rng.integers(2, 12)), seconds=int(rng.integers(0, 60)))
        out.append(base + timedelta(hours=hour) + offset + _ms(int(rng.integers(0, 1000))))
    out.append(out[-1] + _ms(int(rng.integers(3, 15))))
    return out


def _ms(n: int) -> timedelta:
    return timedelta(milliseconds=n)


def _stamp(t: datetime) -> str:
    # Olinda drops the trailing zeros of the milliseconds: "13:05:07.46".
    ms = f"{t.microsecond // 1000:03d}".rstrip("0")
    return f"{t:%Y-%m-%d %H:%M:%S}" + (f".{ms}" if ms else "")


def _document(
    days: list[date], times: list[list[datetime]], usd: np.ndarray, parity: np.ndarray | None
) -> dict[str, Any]:
    rows = []
    for i in range(len(days)):
        usd_rates = [*usd[i], usd[i].mean()]
        parities = [*parity[i], parity[i].mean()] if parity is not None else [1.0] * 5
        for k, label in enumerate(("Abertura", *["Intermediário"] * 3, "Fechamento")):
            usd_ask = round(float(usd_rates[k]), 4)
            par_bid = round(float(parities[k]), 4)
            par_ask = par_bid if parity is None else round(par_bid + _PARITY_SPREAD, 4)
            rows.append(
                {
                    "paridadeCompra": par_bid,
                    "paridadeVenda": par_ask,
                    "cotacaoCompra": round((usd_ask - _USD_SPREAD) * par_bid, 4),
                    "cotacaoVenda": round(usd_ask * par_ask, 4),
                    "dataHoraCotacao": _stamp(times[i][k]),
                    "tipoBoletim": label,
                }
            )
    return {"@odata.context": ODATA_CONTEXT, "value": rows}
