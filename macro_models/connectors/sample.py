"""Deterministic sample data in each source's own payload format, so nothing needs the network.

The dynamics are a small structural model, not noise: monthly IPCA with seasonality and
persistent shocks, a Copom that meets eight times a year and moves the Selic target by 25–100 bp
towards a Taylor-rule rate, overnight Selic/CDI 10 bp under the target, and a USD/BRL PTAX that
mean-reverts in logs around a drifting trend with 15 % annual volatility.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from macro_models.calendars import business_days

DEFAULT_START = date(2014, 1, 2)
DEFAULT_END = date(2024, 12, 30)
# IPCA seasonality (pp per month): January/February school and transport, mid-year food relief.
_SEASONAL = np.array([0.12, 0.10, 0.02, 0.0, -0.04, -0.08, -0.10, -0.08, -0.02, 0.02, 0.02, 0.04])
_TARGET_PCT = 4.0
_NEUTRAL_REAL_PCT = 4.5


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def generate_sgs(
    start: date = DEFAULT_START, end: date = DEFAULT_END, seed: int = 7
) -> dict[str, list[dict[str, str]]]:
    """SGS payload lists (``{"data": "dd/mm/yyyy", "valor": "…"}``) keyed by series code."""
    rng = np.random.default_rng(seed)
    months = _months(start, end)
    ipca = _ipca_path(len(months), months[0].month, rng)
    ipca_12m = _rolling_12m(ipca)
    target_by_day = _selic_path(start, end, months, ipca_12m, rng)
    bdays = business_days(start, end, "B3")
    overnight = {d: (1 + (target_by_day[d] - 0.10) / 100) ** (1 / 252) - 1 for d in bdays}
    ptax = _ptax_path(len(bdays), rng)

    def fmt(d: date) -> str:
        return d.strftime("%d/%m/%Y")

    return {
        "432": [{"data": fmt(d), "valor": f"{v:.2f}"} for d, v in target_by_day.items()],
        "11": [{"data": fmt(d), "valor": f"{overnight[d] * 100:.6f}"} for d in bdays],
        "12": [{"data": fmt(d), "valor": f"{overnight[d] * 100:.6f}"} for d in bdays],
        "433": [{"data": fmt(m), "valor": f"{v:.2f}"} for m, v in zip(months, ipca, strict=True)],
        "1": [{"data": fmt(d), "valor": f"{v:.4f}"} for d, v in zip(bdays, ptax, strict=True)],
    }


def _ipca_path(n: int, first_month: int, rng: np.random.Generator) -> np.ndarray:
    # Core monthly inflation follows a persistent AR(1) around the target; shocks are fat-ish.
    core = np.empty(n)
    level = 0.45
    for i in range(n):
        level = 0.37 + 0.92 * (level - 0.37) + rng.normal(0, 0.045)
        core[i] = level
    season = np.array([_SEASONAL[(first_month - 1 + i) % 12] for i in range(n)])
    noise = rng.standard_t(5, n) * 0.06
    return np.round(core + season + noise, 2)


def _rolling_12m(monthly_pct: np.ndarray) -> np.ndarray:
    growth = 1 + monthly_pct / 100
    out = np.full(len(growth), np.nan)
    for i in range(11, len(growth)):
        out[i] = (np.prod(growth[i - 11 : i + 1]) - 1) * 100
    return out


def _selic_path(
    start: date, end: date, months: list[date], ipca_12m: np.ndarray, rng: np.random.Generator
) -> dict[date, float]:
    """Calendar-daily Selic target; Copom decides on Wednesdays ~every 45 days."""
    known_12m = dict(zip(months, ipca_12m, strict=True))
    target, out = 10.0, {}
    day, next_meeting = start, start + timedelta(days=(2 - start.weekday()) % 7 + 14)
    while day <= end:
        if day == next_meeting + timedelta(days=1):
            # The decision uses the 12-month IPCA released before the meeting (two months back).
            ref = date(day.year, day.month, 1) - timedelta(days=45)
            infl = known_12m.get(date(ref.year, ref.month, 1))
            if infl is not None and not np.isnan(infl):
                rule = _NEUTRAL_REAL_PCT + infl + 0.5 * (infl - _TARGET_PCT)
                gap = rule - target
                step = float(np.clip(np.round(gap * 0.5 / 0.25) * 0.25, -1.0, 1.0))
                if abs(gap) < 0.5 or rng.random() < 0.15:
                    step = 0.0
                target = float(np.clip(target + step, 2.0, 14.25))
            next_meeting = next_meeting + timedelta(days=42 + 7 * int(rng.integers(0, 2)))
        out[day] = target
        day += timedelta(days=1)
    return out


def _ptax_path(n: int, rng: np.random.Generator) -> np.ndarray:
    daily_vol = 0.15 / np.sqrt(252)
    log_trend = np.log(2.40) + np.cumsum(np.full(n, 0.08 / 252))
    x = np.empty(n)
    dev = 0.0
    for i in range(n):
        dev = 0.995 * dev + rng.normal(0, daily_vol)
        x[i] = log_trend[i] + dev
    return np.round(np.exp(x), 4)


def write_sample(
    out_dir: Path, start: date = DEFAULT_START, end: date = DEFAULT_END, seed: int = 7
) -> list[Path]:
    """Write one recorded-format payload per series: ``<source>__<code>.json``."""
    from macro_models.connectors.registry import SAMPLERS

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for sampler in SAMPLERS.values():
        for name, doc in sampler(start, end, seed).items():
            path = out_dir / name
            path.write_text(json.dumps(doc, separators=(",", ":")))
            written.append(path)
    return written


def sgs_files(start: date, end: date, seed: int) -> dict[str, list[dict[str, str]]]:
    return {f"bcb_sgs__{code}.json": rows for code, rows in generate_sgs(start, end, seed).items()}
