"""Deterministic ANBIMA ms<YYMMDD>.txt files: federal bond indicative rates on realistic curves.

The nominal curve sits on the sample's own Selic target (``sample_b3.selic_target``, the SGS
sample's ``bcb_sgs__432`` for the same window and seed): the short end is the overnight rate
(target less 10 bp) and yields move towards a slowly drifting long-run level (~11.5 %) with a
maturity half-life of ~2 years, plus a slope shock; the real (IPCA+) curve is ~5.5–6.5 % and
moves with the nominal level by about a third; LFT spreads over Selic are a few basis points,
rising with maturity. PUs follow ANBIMA's conventions: LTN 1000/(1+y)^(du/252), NTN-F's 10 %
coupon and NTN-B's 6 % coupon discounted on half-years, NTN-B/NTN-C/LFT on a nominal value
(VNA) that grows with IPCA/IGP-M/Selic. Business days are B3 sessions.

Bonds listed (as the Treasury issues them): LTN every quarter up to two years ahead, each
January and July up to four, each January up to eight; NTN-F each odd-year January to ten
years; NTN-B the May (odd years) and August (even years) maturities to 2035 and 2040–2060;
LFT each March and September to six years; one NTN-C (2031-01-01): ~45 rows a session. Only
the last year of the window is generated (~250 files, ~11,000 rows); files are ISO-8859-1
text, returned as str.

``curve_state`` is shared with the Tesouro Direto sample so that its retail rates sit on the
same curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.anbima import HEADER, file_name
from macro_models.connectors.sample_b3 import selic_target

SAMPLE_YEARS = 1
TITLE = "ANBIMA - Associação Brasileira das Entidades dos Mercados Financeiro e de Capitais"
SELIC_CODES = {"LTN": "100000", "NTN-F": "950199", "NTN-B": "760199", "LFT": "210100",
               "NTN-C": "770100"}  # fmt: skip
# Nominal values on 2024-01-02 (BRL), grown with the index each session.
_VNA_2024 = {"NTN-B": 4240.0, "NTN-C": 9950.0, "LFT": 14200.0}
_IPCA_PA, _IGPM_PA = 4.5, 4.0
_LONG_RUN_PCT = 11.5


@dataclass(frozen=True)
class CurveState:
    """One session's curve factors."""

    day: date
    overnight: float  # % p.a., Selic over
    long_run: float  # % p.a., the nominal curve's long end
    slope: float  # pp, extra on the 2–5 year belly
    real_level: float  # % p.a., the IPCA+ curve's long end
    lft_spread: float  # % p.a., 5-year LFT spread


def nominal_yield(s: CurveState, years: float) -> float:
    w = 1 - np.exp(-years / 2.0)
    hump = s.slope * (1 - np.exp(-years / 1.5)) * np.exp(-years / 8)
    return float(s.overnight + (s.long_run - s.overnight) * w + hump)


def real_yield(s: CurveState, years: float) -> float:
    short = s.real_level - 0.6 + 0.1 * (s.overnight - 10.5)
    return float(short + (s.real_level - short) * (1 - np.exp(-years / 2.5)))


def lft_spread(s: CurveState, years: float) -> float:
    return float(s.lft_spread * min(years, 6.0) / 5.0)


def curve_state(start: date, end: date, seed: int) -> list[CurveState]:
    """Curve factors for every B3 session in [start, end] (a deterministic AR(1) walk)."""
    rng = np.random.default_rng(seed + 31)
    selic = selic_target(start, end, seed)
    out = []
    long_run, slope, real, spread = _LONG_RUN_PCT, 0.0, 6.0, 0.08
    for day in business_days(start, end, "B3"):
        long_run = long_run + 0.01 * (_LONG_RUN_PCT - long_run) + rng.normal(0, 0.06)
        slope = 0.98 * slope + rng.normal(0, 0.04)
        real = real + 0.01 * (5.8 - real) + 0.3 * rng.normal(0, 0.06) + rng.normal(0, 0.02)
        spread = spread + 0.02 * (0.08 - spread) + rng.normal(0, 0.004)
        out.append(CurveState(day, selic[day] - 0.10, long_run, slope, real, max(spread, -0.02)))
    return out


def listed_bonds(day: date) -> list[tuple[str, date, date]]:
    """(bond type, issue date, maturity) of the bonds ANBIMA prices on ``day``."""
    out = []
    for ahead in range(0, 8 * 12 + 1):  # LTN
        y, m = day.year + (day.month - 1 + ahead) // 12, (day.month - 1 + ahead) % 12 + 1
        if m not in (1, 4, 7, 10):
            continue
        listed = ahead <= 24 or (m in (1, 7) and ahead <= 48) or m == 1
        if listed:
            issued = date(min(y - 4, day.year - 1), m, 1) + timedelta(days=5)
            out.append(("LTN", issued, date(y, m, 1)))
    for y in range(day.year, day.year + 11):  # NTN-F
        if y % 2 == 1:
            out.append(("NTN-F", date(min(y - 10, day.year - 1), 1, 5), date(y, 1, 1)))
    ntnb = [date(y, 5, 15) if y % 2 else date(y, 8, 15) for y in range(day.year, 2036)]
    ntnb += [date(y, 8 if y % 10 == 0 else 5, 15) for y in (2040, 2045, 2050, 2055, 2060)]
    out += [("NTN-B", date(2000, 7, 15), m) for m in ntnb]
    for y in range(day.year, day.year + 7):  # LFT
        out += [("LFT", date(2000, 7, 1), date(y, m, 1)) for m in (3, 9)]
    out.append(("NTN-C", date(2000, 7, 1), date(2031, 1, 1)))
    horizon = date(day.year + 8, 12, 31)
    return [
        b
        for b in out
        if b[2] > day and (b[2] <= horizon or b[0] in ("NTN-B", "NTN-F")) and b[1] < day
    ]


def _years(day: date, maturity: date) -> float:
    return max((maturity - day).days, 1) / 365.25


def _vna(bond: str, day: date) -> float:
    pa = {"NTN-B": _IPCA_PA, "NTN-C": _IGPM_PA}.get(bond)
    years = (day - date(2024, 1, 2)).days / 365.25
    if pa is not None:
        return _VNA_2024[bond] * (1 + pa / 100) ** years
    return _VNA_2024[bond] * (1 + 0.11) ** years  # LFT: Selic-accrued


def _coupon_bond(rate: float, coupon_pa: float, day: date, maturity: date) -> float:
    """Price per 100 of a semi-annual coupon bond (ANBIMA's half-year compounding of the rate)."""
    c = 100 * ((1 + coupon_pa / 100) ** 0.5 - 1)
    price, t = 0.0, _years(day, maturity)
    while t > 0:
        price += c / (1 + rate / 100) ** t
        t -= 0.5
    return price + 100 / (1 + rate / 100) ** _years(day, maturity)


def indicative(s: CurveState, bond: str, maturity: date, noise: float) -> tuple[float, float]:
    """(indicative rate % p.a., PU BRL) of one bond in state ``s``."""
    t = _years(s.day, maturity)
    if bond == "LFT":
        rate = round(lft_spread(s, t) + noise * 0.05, 4)
        return rate, _vna("LFT", s.day) / (1 + rate / 100) ** t
    if bond in ("NTN-B", "NTN-C"):
        rate = round(real_yield(s, t) + noise + (0.3 if bond == "NTN-C" else 0.0), 4)
        coupon = 6.0 if bond == "NTN-B" else 12.0
        return rate, _vna(bond, s.day) * _coupon_bond(rate, coupon, s.day, maturity) / 100
    rate = round(nominal_yield(s, t) + noise, 4)
    if bond == "NTN-F":
        return rate, 10 * _coupon_bond(rate, 10.0, s.day, maturity)
    return rate, 1000 / (1 + rate / 100) ** t


def _br(x: float, places: int) -> str:
    """ANBIMA prints decimal commas and drops trailing zeros: 10,2951 / 3,144 / 0."""
    text = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def first_sample_day(start: date, end: date) -> date:
    """The first date the ANBIMA sample covers: earlier sessions would answer 404."""
    return max(start, _years_before(end, SAMPLE_YEARS) + timedelta(days=1))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def generate_files(start: date, end: date, seed: int) -> dict[date, str]:
    """The ms file text of every generated session (the last ``SAMPLE_YEARS`` of the window)."""
    first = first_sample_day(start, end)
    rng = np.random.default_rng(seed + 37)
    out = {}
    for s in curve_state(start, end, seed):
        if s.day < first:
            continue
        lines = [TITLE, "", "@".join(HEADER)]
        for bond, issue, maturity in listed_bonds(s.day):
            rate, pu = indicative(s, bond, maturity, float(rng.normal(0, 0.02)))
            half = 0.005 if bond == "LFT" else float(abs(rng.normal(0.012, 0.004)))
            sd = abs(rng.normal(0.004, 0.002))
            band = 0.02 if bond == "LFT" else 0.15
            cells = [
                bond,
                f"{s.day:%Y%m%d}",
                SELIC_CODES[bond],
                f"{issue:%Y%m%d}",
                f"{maturity:%Y%m%d}",
                _br(rate + half, 4),
                _br(rate - half, 4),
                _br(rate, 4),
                _br(pu, 6),
                _br(sd, 14),
                _br(rate - band, 4),
                _br(rate + band, 4),
                _br(rate - band, 4),
                _br(rate + band, 4),
                "Calculado",
            ]
            lines.append("@".join(cells))
        out[s.day] = "\r\n".join(lines) + "\r\n"
    return out


def anbima_files(start: date, end: date, seed: int) -> dict[str, str]:
    """{``anbima__TPF_<date>.txt``: file text}; write each as ISO-8859-1 (replay re-encodes)."""
    return {file_name(d): text for d, text in generate_files(start, end, seed).items()}
