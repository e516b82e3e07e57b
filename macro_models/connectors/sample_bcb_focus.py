"""Deterministic Focus payloads in Olinda's JSON: one survey a week (its last business day).

Expectations converge on the sample world's own outcomes as the reference period nears: the
sample's IPCA and Selic target (``sample.generate_sgs``, same seed), its USD/BRL PTAX for Câmbio,
and year-level anchors close to history for GDP growth and the primary balance. Far from the
reference the median sits near a prior (the inflation target, the Selic in force, the spot
rate); the weight on the outcome is exp(-h / tau), h the years left. Medians move smoothly from
week to week (an AR(1) error per reference); dispersion grows with the horizon; base 1 (only
forecasts updated in the last five business days) has fewer respondents and a noisier median.
Statistics have two decimals before 2021 and four after, as in Olinda.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.bcb_focus import DATASETS, ENDPOINTS, SERIES
from macro_models.connectors.sample import generate_sgs

ODATA_CONTEXT = "https://was-p/olinda/servico/Expectativas/versao/v1/odata$metadata#{}"
_TARGET = 4.0
# Monthly IPCA prior: a 0.36 % core plus the usual seasonality (school fees, food relief).
_SEASONAL = (0.12, 0.10, 0.02, 0.0, -0.04, -0.08, -0.10, -0.08, -0.02, 0.02, 0.02, 0.04)
# Real GDP growth and primary balance (% of GDP) by year, close to history.
_GDP = {2013: 3.0, 2014: 0.5, 2015: -3.5, 2016: -3.3, 2017: 1.3, 2018: 1.8, 2019: 1.2,
        2020: -3.3, 2021: 4.8, 2022: 3.0, 2023: 2.9, 2024: 3.4}  # fmt: skip
_PRIMARY = {2013: 1.7, 2014: -0.6, 2015: -1.9, 2016: -2.5, 2017: -1.7, 2018: -1.6, 2019: -0.8,
            2020: -9.4, 2021: 0.7, 2022: 1.3, 2023: -2.3, 2024: -0.4}  # fmt: skip
# Copom meetings: the first Wednesday on or after these days (eight a year since 2006).
_COPOM = ((1, 28), (3, 18), (5, 5), (6, 17), (7, 30), (9, 17), (11, 4), (12, 9))


@dataclass(frozen=True)
class _Shape:
    """How one indicator's expectations behave (units of the indicator)."""

    tau: float  # years over which the outcome takes over from the prior
    sigma: float  # weekly innovation of the median's error
    spread: float  # cross-section standard deviation at a one-year horizon
    respondents: int  # base-0 respondents at short horizons
    step: float | None = None  # medians on a grid (Selic: 0.25 pp)


_SHAPES = {
    "ipca": _Shape(0.45, 0.05, 0.30, 140),
    "selic": _Shape(0.50, 0.10, 0.60, 120, 0.25),
    "pib": _Shape(0.60, 0.06, 0.35, 110),
    "cambio": _Shape(0.40, 0.04, 0.12, 110),
    "primario": _Shape(0.60, 0.08, 0.40, 80),
    "ipca_monthly": _Shape(0.12, 0.015, 0.06, 100),
    "selic_meetings": _Shape(0.30, 0.08, 0.30, 110, 0.25),
    "ipca_12m": _Shape(1.00, 0.04, 0.35, 130),
}


@dataclass
class _World:
    """The sample's outcomes, read at survey dates."""

    ipca: dict[date, float]  # % m/m by first day of month
    selic: dict[date, float]  # target by calendar day
    usd: dict[date, float]  # closing PTAX by business day

    def ipca_year(self, year: int) -> float | None:
        return self._compound([date(year, m, 1) for m in range(1, 13)])

    def ipca_ahead(self, day: date) -> float | None:
        """IPCA over the twelve months after ``day``'s month."""
        return self._compound([_add_months(day.replace(day=1), k) for k in range(1, 13)])

    def ipca_known(self, day: date) -> float:
        """The last published 12-month IPCA (a month is out about six weeks after it starts)."""
        last = (day - timedelta(days=45)).replace(day=1)
        value = self._compound([_add_months(last, -k) for k in range(12)])
        return _TARGET if value is None else value

    def selic_on(self, day: date) -> float | None:
        return self.selic.get(day)

    def usd_on(self, day: date) -> float | None:
        past = [d for d in (day - timedelta(days=k) for k in range(10)) if d in self.usd]
        return self.usd[past[0]] if past else None

    def _compound(self, months: list[date]) -> float | None:
        if any(m not in self.ipca for m in months):
            return None
        return (float(np.prod([1 + self.ipca[m] / 100 for m in months])) - 1) * 100


@dataclass
class _Survey:
    """Rows of one dataset, with each reference's persistent median error."""

    shape: _Shape
    rng: np.random.Generator
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: dict[str, float] = field(default_factory=dict)

    def add(
        self, day: date, head: dict[str, Any], ref: tuple[str, str], center: float, h: float
    ) -> None:
        """Two rows (bases 0 and 1) of one reference (``ref`` = field, value) on one day."""
        s = self.shape
        err = 0.85 * self.errors.get(ref[1], 0.0) + self.rng.normal(0, s.sigma)
        self.errors[ref[1]] = err
        nd = 2 if day.year < 2021 else 4
        for base in (0, 1):
            median = center + err + (self.rng.normal(0, s.sigma) if base else 0.0)
            if s.step:
                median = round(median / s.step) * s.step
            std = s.spread * (0.25 + min(h, 2.0)) * (0.8 if base else 1.0)
            n = s.respondents * (0.45 if base else 1.0) - 15 * h + self.rng.integers(-6, 7)
            self.rows.append(
                {
                    **head,
                    "Data": day.isoformat(),
                    ref[0]: ref[1],
                    "Media": round(float(median + self.rng.normal(0, 0.12 * std)), nd),
                    "Mediana": round(float(median), nd),
                    "DesvioPadrao": round(std, 4),
                    "Minimo": round(float(median - (2.2 + self.rng.random()) * std), nd),
                    "Maximo": round(float(median + (2.4 + self.rng.random()) * std), nd),
                    "numeroRespondentes": max(8, int(n)),
                    "baseCalculo": base,
                }
            )


def bcb_focus_files(start: date, end: date, seed: int) -> dict[str, Any]:
    """``bcb_focus__<dataset>.json`` OData documents, plus one copy per series code (the
    sample folder holds a file per catalogued series id)."""
    sgs = generate_sgs(start, end, seed)
    world = _World(
        ipca={_dmy(r["data"]): float(r["valor"]) for r in sgs["433"]},
        selic={_dmy(r["data"]): float(r["valor"]) for r in sgs["432"]},
        usd={_dmy(r["data"]): float(r["valor"]) for r in sgs["1"]},
    )
    surveys = _survey_days(start, end)
    rng = np.random.default_rng(seed + 202)
    builders: dict[str, Callable[[_Survey, date], None]] = {
        "ipca_annual": lambda s, d: _annual(s, d, "IPCA", _ipca_year(world, d)),
        "selic_annual": lambda s, d: _annual(s, d, "Selic", _selic_year(world, d)),
        "pib_annual": lambda s, d: _annual(s, d, "PIB Total", lambda y, h: (_GDP.get(y), 2.0)),
        "cambio_annual": lambda s, d: _annual(s, d, "Câmbio", _usd_year(world, d)),
        "primario_annual": lambda s, d: _annual(
            s, d, "Resultado primário", lambda y, h: (_PRIMARY.get(y), -1.0)
        ),
        "ipca_monthly": lambda s, d: _monthly(s, d, world),
        "selic_meetings": lambda s, d: _meetings(s, d, world),
        "ipca_12m": lambda s, d: _twelve_months(s, d, world),
    }
    files: dict[str, Any] = {}
    for code, build in builders.items():
        survey = _Survey(_SHAPES[code.removesuffix("_annual")], rng)
        for day in surveys:
            build(survey, day)
        endpoint = ENDPOINTS[DATASETS[code].endpoint]
        files[f"bcb_focus__{code}.json"] = {
            "@odata.context": ODATA_CONTEXT.format(endpoint),
            "value": survey.rows,
        }
    for series in SERIES.values():
        files[f"bcb_focus__{series.code}.json"] = files[f"bcb_focus__{series.dataset}.json"]
    return files


def _annual(
    survey: _Survey,
    day: date,
    indicator: str,
    outcome: Callable[[int, float], tuple[float | None, float]],
) -> None:
    """The current and the next calendar year; ``outcome(year, h)`` is (truth, prior)."""
    for year in (day.year, day.year + 1):
        h = (date(year, 12, 31) - day).days / 365.25
        truth, prior = outcome(year, h)
        center = _blend(truth, prior, h, survey.shape.tau)
        head = {"Indicador": indicator, "IndicadorDetalhe": None}
        survey.add(day, head, ("DataReferencia", str(year)), center, h)


def _ipca_year(world: _World, day: date) -> Callable[[int, float], tuple[float | None, float]]:
    known = world.ipca_known(day)
    return lambda y, h: (world.ipca_year(y), _TARGET + (known - _TARGET) * np.exp(-h / 0.8))


def _selic_year(world: _World, day: date) -> Callable[[int, float], tuple[float | None, float]]:
    now = world.selic_on(day) or 10.0
    return lambda y, h: (world.selic_on(date(y, 12, 31)), now + (10.0 - now) * (1 - np.exp(-h)))


def _usd_year(world: _World, day: date) -> Callable[[int, float], tuple[float | None, float]]:
    spot = world.usd_on(day) or 4.0

    def outcome(year: int, h: float) -> tuple[float | None, float]:
        return world.usd_on(date(year, 12, 31)), spot * (1 + 0.03 * h)

    return outcome


def _monthly(survey: _Survey, day: date, world: _World) -> None:
    first = day.replace(day=1)
    for k in range(6):
        month = _add_months(first, k)
        h = max((_add_months(month, 1) - day).days, 0) / 365.25
        prior = 0.36 + float(_SEASONAL[month.month - 1])
        center = _blend(world.ipca.get(month), prior, h, survey.shape.tau)
        survey.add(day, {"Indicador": "IPCA"}, ("DataReferencia", f"{month:%m/%Y}"), center, h)


def _meetings(survey: _Survey, day: date, world: _World) -> None:
    now = world.selic_on(day) or 10.0
    upcoming = [m for m in _copom_meetings(day.year) + _copom_meetings(day.year + 1) if m[1] > day]
    for label, meeting in upcoming[:4]:
        h = (meeting - day).days / 365.25
        center = _blend(world.selic_on(meeting + timedelta(days=1)), now, h, survey.shape.tau)
        survey.add(day, {"Indicador": "Selic"}, ("Reuniao", label), center, h)


def _twelve_months(survey: _Survey, day: date, world: _World) -> None:
    known = world.ipca_known(day)
    truth, prior = world.ipca_ahead(day), _TARGET + 0.5 * (known - _TARGET)
    center = prior if truth is None else 0.4 * truth + 0.6 * prior
    for flag in ("S", "N"):
        wobble = 0.0 if flag == "S" else float(survey.rng.normal(0, 0.03))
        survey.add(day, {"Indicador": "IPCA"}, ("Suavizada", flag), center + wobble, 1.0)


def _blend(truth: float | None, prior: float, h: float, tau: float) -> float:
    if truth is None:
        return float(prior)
    w = float(np.exp(-max(h, 0.0) / tau))
    return w * truth + (1 - w) * float(prior)


def _copom_meetings(year: int) -> list[tuple[str, date]]:
    out = []
    for k, (month, dom) in enumerate(_COPOM, start=1):
        d = date(year, month, dom)
        out.append((f"R{k}/{year}", d + timedelta(days=(2 - d.weekday()) % 7)))
    return out


def _survey_days(start: date, end: date) -> list[date]:
    """The last B3 business day of each week in [start, end]."""
    last: dict[tuple[int, int], date] = {}
    for d in business_days(start, end, "B3"):
        last[d.isocalendar()[:2]] = d
    return sorted(last.values())


def _add_months(day: date, k: int) -> date:
    n = day.year * 12 + day.month - 1 + k
    return date(n // 12, n % 12 + 1, 1)


def _dmy(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()
