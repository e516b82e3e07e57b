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
import pandas as pd

from macro_models.calendars import business_days
from macro_models.catalog import load_catalog

DEFAULT_START = date(2014, 1, 2)
DEFAULT_END = date(2024, 12, 30)
# IPCA seasonality (pp per month): January/February school and transport, mid-year food relief.
_SEASONAL = np.array([0.12, 0.10, 0.02, 0.0, -0.04, -0.08, -0.10, -0.08, -0.02, 0.02, 0.02, 0.04])
_TARGET_PCT = 4.0
# Further SGS series: (level or multiplier, dynamics, decimals), tied to the core paths above.
_EXTRA_SGS = {
    "1178": (10.0, "rate", 2),
    "4189": (10.0, "rate", 2),
    "4390": (0.8, "rate_m", 2),
    "4389": (10.0, "rate", 2),
    "4391": (0.8, "rate_m", 2),
    "10813": (0.9998, "ptax", 4),
    "21619": (1.12, "ptax", 4),
    "21620": (1.1198, "ptax", 4),
    "13522": (0, "ipca12", 2),
    "4449": (1.3, "ipca", 2),
    "11428": (0.9, "ipca", 2),
    "4447": (0.9, "ipca", 2),
    "4448": (1.1, "ipca", 2),
    "10844": (1.2, "ipca", 2),
    "4466": (0.8, "ipca_core", 2),
    "11427": (0.8, "ipca_core", 2),
    "16121": (0.85, "ipca_core", 2),
    "21379": (60.0, "level_ar", 2),
    "7478": (1.0, "ipca", 2),
    "188": (1.0, "ipca", 2),
    "189": (1.0, "igp", 2),
    "190": (1.0, "igp", 2),
    "193": (0.95, "ipca", 2),
    "24363": (140.0, "index", 2),
    "24364": (140.0, "index_s", 2),
    "21859": (95.0, "index_s", 2),
    "4380": (430000.0, "nominal", 1),
    "4382": (5200000.0, "nominal", 1),
    "24369": (9.5, "level_ar", 1),
    "20539": (2900000.0, "nominal", 0),
    "20540": (1500000.0, "nominal", 0),
    "20541": (1400000.0, "nominal", 0),
    "21082": (3.2, "level_ar", 2),
    "5793": (0.5, "level_ar", 2),
    "5727": (6.0, "level_ar", 2),
    "4513": (45.0, "debt", 2),
    "13762": (65.0, "debt", 2),
    "22701": (-4000.0, "flow", 1),
    "22707": (3500.0, "flow", 1),
    "22885": (5500.0, "flow", 1),
    "23079": (-2.5, "level_ar", 2),
    "3546": (360000.0, "reserves", 0),
    "13621": (360000.0, "reserves", 0),
}
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

    core = {
        "432": [{"data": fmt(d), "valor": f"{v:.2f}"} for d, v in target_by_day.items()],
        "11": [{"data": fmt(d), "valor": f"{overnight[d] * 100:.6f}"} for d in bdays],
        "12": [{"data": fmt(d), "valor": f"{overnight[d] * 100:.6f}"} for d in bdays],
        "433": [{"data": fmt(m), "valor": f"{v:.2f}"} for m, v in zip(months, ipca, strict=True)],
        "1": [{"data": fmt(d), "valor": f"{v:.4f}"} for d, v in zip(bdays, ptax, strict=True)],
    }
    paths = _Paths(bdays, months, target_by_day, ipca, ptax)
    for code, (level, kind, decimals) in _EXTRA_SGS.items():
        daily = load_catalog()[f"bcb_sgs__{code}"].frequency == "daily"
        days, values = paths.build(kind, level, rng, daily)
        core[code] = [
            {"data": fmt(d), "valor": f"{v:.{decimals}f}"}
            for d, v in zip(days, values, strict=True)
            if np.isfinite(v)  # a month with no session inside a short window has no value
        ]
    return core


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
            body = doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":"))
            path.write_text(body)
            written.append(path)
    stamp = {"fingerprint": _fingerprint(), "start": str(start), "end": str(end), "seed": seed}
    (out_dir / _MANIFEST).write_text(json.dumps(stamp))
    return written


_MANIFEST = "sample_manifest.json"


def _fingerprint() -> str:
    import hashlib

    from macro_models.catalog.series import CATALOG_PATH
    from macro_models.connectors.registry import SAMPLERS

    text = CATALOG_PATH.read_text() + "|" + ",".join(sorted(SAMPLERS))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def sample_is_current(out_dir: Path) -> bool:
    """True when ``out_dir`` holds the default sample for today's catalog and sources."""
    try:
        stamp = json.loads((out_dir / _MANIFEST).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return False
    return stamp.get("fingerprint") == _fingerprint()


def sgs_files(start: date, end: date, seed: int) -> dict[str, list[dict[str, str]]]:
    return {f"bcb_sgs__{code}.json": rows for code, rows in generate_sgs(start, end, seed).items()}


class _Paths:
    """Builds the further SGS series from the simulated Selic, IPCA and PTAX paths."""

    def __init__(self, bdays, months, target_by_day, ipca, ptax) -> None:
        self.bdays, self.months = bdays, months
        self.selic_daily = np.array([target_by_day[d] for d in bdays]) - 0.10
        by_month: dict[date, list[float]] = {}
        for d, v in zip(bdays, self.selic_daily, strict=True):
            by_month.setdefault(date(d.year, d.month, 1), []).append(float(v))
        self.selic_monthly = np.array([np.mean(by_month.get(m, [np.nan])) for m in months])
        self.ipca, self.ptax = np.asarray(ipca, dtype=float), np.asarray(ptax, dtype=float)

    def build(self, kind: str, level: float, rng: np.random.Generator, daily: bool):
        n_m, n_d = len(self.months), len(self.bdays)
        if kind == "rate" and daily:
            return self.bdays, self.selic_daily
        if kind == "ptax":
            noise = np.exp(np.cumsum(rng.normal(0, 0.002, n_d))) if level > 1.01 else 1.0
            return self.bdays, self.ptax * level * noise
        if kind == "reserves" and daily:
            return self.bdays, level * np.exp(np.cumsum(rng.normal(0, 0.001, n_d)))
        return self.months, self._monthly(kind, level, n_m, rng)

    def _monthly(self, kind: str, level: float, n: int, rng: np.random.Generator) -> np.ndarray:
        if kind in ("rate", "rate_m", "ipca12", "ipca", "igp", "ipca_core"):
            return self._linked(kind, level, n, rng)
        return self._free(kind, level, n, rng)

    def _linked(self, kind: str, level: float, n: int, rng: np.random.Generator) -> np.ndarray:
        """Series that move with the simulated Selic or IPCA."""
        if kind == "rate":
            return self.selic_monthly
        if kind == "rate_m":
            return ((1 + self.selic_monthly / 100) ** (21 / 252) - 1) * 100
        if kind == "ipca12":
            return np.nan_to_num(_rolling_12m(self.ipca), nan=float(np.sum(self.ipca[:12])))
        if kind == "ipca_core":
            smooth = pd.Series(self.ipca).rolling(3, center=True, min_periods=1).mean().to_numpy()
            return smooth * level + rng.normal(0, 0.03, n)
        return self.ipca * level + rng.normal(0, 0.45 if kind == "igp" else 0.08, n)

    def _free(self, kind: str, level: float, n: int, rng: np.random.Generator) -> np.ndarray:
        """Activity, credit, fiscal and external series: their own persistent dynamics."""
        month = np.arange(n)
        if kind in ("index", "index_s"):
            season = 4 * np.sin(2 * np.pi * month / 12) if kind == "index_s" else 0.0
            return level * np.exp(np.cumsum(rng.normal(0.0012, 0.008, n))) + season
        if kind in ("nominal", "reserves"):
            growth = 0.006 if kind == "nominal" else 0.0005
            return level * np.exp(np.cumsum(rng.normal(growth, 0.01, n)))
        if kind == "debt":
            return level + np.cumsum(rng.normal(0.1, 0.4, n))
        if kind == "flow":
            return level + rng.normal(0, abs(level) * 0.4, n)
        x, out = level, np.empty(n)  # level_ar: persistent deviations around a level
        for i in range(n):
            x = level + 0.9 * (x - level) + rng.normal(0, abs(level) * 0.04 + 0.05)
            out[i] = x
        return out
