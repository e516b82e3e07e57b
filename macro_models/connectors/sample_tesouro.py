"""Deterministic Tesouro Direto ``PrecoTaxaTesouroDireto.csv``: retail rates on the ANBIMA curves.

The retail rates sit on the ANBIMA sample's curves (``sample_anbima.curve_state``, same window
and seed): the investor buys a little below the indicative rate and sells back ~12 bp above it
(Tesouro Selic: a spread of a few basis points), rounded to two decimals as the file prints
them; PUs follow from the rates (Prefixado on 1000 at maturity, IPCA+/IGPM+ on their nominal
values). A bond inside its last six months is not offered for purchase: 0,00 buy rate and PU,
as in the real file. The platform's menu: Prefixado (January of even years, ~7 years),
Prefixado com Juros Semestrais (two long NTN-F), IPCA+ (2026/2029/2035/2045), IPCA+ com Juros
Semestrais (2032/2040/2055), Selic (March, 1–5 years), IGPM+ com Juros Semestrais 2031.
Only the last three years of the window are generated (~13,000 rows); one ';'-separated text
file, returned as str.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from macro_models.connectors.sample_anbima import CurveState, _vna, curve_state, indicative
from macro_models.connectors.tesouro import HEADER, sample_file_name

SAMPLE_YEARS = 3
_IPCA_PRINCIPAL = (date(2026, 8, 15), date(2029, 5, 15), date(2035, 5, 15), date(2045, 5, 15))
_IPCA_COUPON = (date(2032, 8, 15), date(2040, 8, 15), date(2055, 5, 15))

# (TD name, ANBIMA bond it prices like)
_MENU = {
    "Tesouro Prefixado": "LTN",
    "Tesouro Prefixado com Juros Semestrais": "NTN-F",
    "Tesouro IPCA+": "NTN-B Principal",
    "Tesouro IPCA+ com Juros Semestrais": "NTN-B",
    "Tesouro Selic": "LFT",
    "Tesouro IGPM+ com Juros Semestrais": "NTN-C",
}


def menu(day: date) -> list[tuple[str, date]]:
    """(bond name, maturity) of the bonds on the platform on ``day``."""
    y = day.year
    out = [("Tesouro Prefixado", date(v, 1, 1)) for v in range(y + 1, y + 8) if v % 2 == 0]
    ntnf = y + 6 + (y + 7) % 2  # NTN-F mature in January of odd years
    out += [("Tesouro Prefixado com Juros Semestrais", date(v, 1, 1)) for v in (ntnf, ntnf + 2)]
    out += [("Tesouro IPCA+", m) for m in _IPCA_PRINCIPAL]
    out += [("Tesouro IPCA+ com Juros Semestrais", m) for m in _IPCA_COUPON]
    out += [("Tesouro Selic", date(v, 3, 1)) for v in range(y + 1, y + 6, 2)]
    out.append(("Tesouro IGPM+ com Juros Semestrais", date(2031, 1, 1)))
    return [(name, m) for name, m in out if m > day]


def _anbima_bond(name: str) -> str:
    bond = _MENU[name]
    return "NTN-B" if bond == "NTN-B Principal" else bond


def _pu(s: CurveState, name: str, maturity: date, rate: float) -> float:
    """PU at ``rate`` (the ANBIMA pricing, re-run at the retail rate)."""
    bond = _anbima_bond(name)
    years = max((maturity - s.day).days, 1) / 365.25
    if name == "Tesouro IPCA+":  # principal only: the nominal value discounted
        return _vna("NTN-B", s.day) / (1 + rate / 100) ** years
    ref_rate, ref_pu = indicative(s, bond, maturity, 0.0)
    # Scale the indicative PU by the rate difference over the bond's duration-ish horizon.
    return ref_pu * ((1 + ref_rate / 100) / (1 + rate / 100)) ** min(years, 8.0)


def _br(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def first_sample_day(start: date, end: date) -> date:
    """The first base date the Tesouro sample covers."""
    try:
        back = end.replace(year=end.year - SAMPLE_YEARS)
    except ValueError:  # 29 February
        back = end.replace(year=end.year - SAMPLE_YEARS, day=28)
    return max(start, back + timedelta(days=1))


def generate_rows(start: date, end: date, seed: int) -> list[tuple[str, date, date, tuple]]:
    """(name, maturity, base date, (buy rate, sell rate, buy PU, sell PU, base PU)) rows."""
    first = first_sample_day(start, end)
    rng = np.random.default_rng(seed + 41)
    rows = []
    for s in curve_state(start, end, seed):
        if s.day < first:
            continue
        for name, maturity in menu(s.day):
            bond = _anbima_bond(name)
            rate, _ = indicative(s, bond, maturity, float(rng.normal(0, 0.01)))
            if bond == "LFT":
                buy, sell = round(rate + 0.01, 2), round(rate + 0.03, 2)
            else:
                buy = round(rate - abs(rng.normal(0.04, 0.02)), 2)
                sell = round(buy + 0.12, 2)
            sell_pu = round(_pu(s, name, maturity, sell), 2)
            base_pu = round(sell_pu * 0.99978, 2)
            if (maturity - s.day).days < 183:  # not offered in its last six months
                buy_rate, buy_pu = 0.0, 0.0
            else:
                buy_rate, buy_pu = buy, round(_pu(s, name, maturity, buy), 2)
            rows.append((name, maturity, s.day, (buy_rate, sell, buy_pu, sell_pu, base_pu)))
    return rows


def render_csv(rows: list[tuple[str, date, date, tuple]]) -> str:
    lines = [";".join(HEADER)]
    for name, maturity, day, values in rows:
        cells = [name, f"{maturity:%d/%m/%Y}", f"{day:%d/%m/%Y}", *(_br(v) for v in values)]
        lines.append(";".join(cells))
    return "\r\n".join(lines) + "\r\n"


def tesouro_files(start: date, end: date, seed: int) -> dict[str, str]:
    """{``tesouro__all.csv``: the file text} (UTF-8 when written; replay serves the bytes)."""
    return {sample_file_name(): render_csv(generate_rows(start, end, seed))}
