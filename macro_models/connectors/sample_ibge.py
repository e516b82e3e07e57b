"""Deterministic IBGE SIDRA payloads (``/values`` JSON: header row, then data rows of strings).

IPCA monthly change for the general index and the nine groups of table 7060 (which starts in
January 2020: earlier months live in tables 1419 and 2938, so the sample does not invent them),
the PNAD Contínua rolling-quarter unemployment rate (table 6381) and quarterly GDP, change on
the previous quarter, seasonally adjusted (table 5932). Levels follow year-end anchors close to
history; the group changes scatter around the general index with group-specific volatility.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from macro_models.connectors.ibge import IPCA_GROUPS, period_code

TABLE_7060_FIRST = date(2020, 1, 1)
_MONTHS_PT = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
              "setembro", "outubro", "novembro", "dezembro")  # fmt: skip
_ABBR = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
_FIRST_YEAR = 2013
_UNEMPLOYMENT = (6.2, 6.5, 9.0, 12.0, 11.8, 11.6, 11.0, 13.9, 11.1, 7.9, 7.4, 6.2)
# Typical monthly IPCA change by year (%), 2020..2024, and each group's scale around it.
_IPCA_YEAR = {2020: 0.37, 2021: 0.80, 2022: 0.47, 2023: 0.37, 2024: 0.40}
_GROUP_VOL = {"7169": 0.0, "7170": 0.7, "7445": 0.8, "7486": 0.5, "7558": 0.5, "7625": 1.0,
              "7660": 0.3, "7712": 0.2, "7766": 0.6, "7786": 0.4}  # fmt: skip
# Quarterly GDP q/q SA (%), anchors for the crises; other quarters draw around 0.5.
_GDP_SHOCKS = {(2015, 2): -2.1, (2015, 3): -1.7, (2016, 1): -0.9, (2020, 1): -2.3,
               (2020, 2): -8.9, (2020, 3): 7.8}  # fmt: skip

_BASE = {"NC": "Nível Territorial (Código)", "NN": "Nível Territorial",
         "MC": "Unidade de Medida (Código)", "MN": "Unidade de Medida", "V": "Valor",
         "D1C": "Brasil (Código)", "D1N": "Brasil"}  # fmt: skip


def _header(period_label: str, classification: str | None) -> dict[str, str]:
    h = {**_BASE, "D2C": f"{period_label} (Código)", "D2N": period_label,
         "D3C": "Variável (Código)", "D3N": "Variável"}  # fmt: skip
    if classification:
        h.update({"D4C": f"{classification} (Código)", "D4N": classification})
    return h


def _row(value: str, period: str, period_name: str, variable: tuple[str, str],
         category: tuple[str, str] | None) -> dict[str, str]:  # fmt: skip
    r = {"NC": "1", "NN": "Brasil", "MC": "2", "MN": "%", "V": value, "D1C": "1",
         "D1N": "Brasil", "D2C": period, "D2N": period_name, "D3C": variable[0],
         "D3N": variable[1]}  # fmt: skip
    if category:
        r.update({"D4C": category[0], "D4N": category[1]})
    return r


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while date(y, m, 1) <= end:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def ibge_files(start: date, end: date, seed: int) -> dict[str, Any]:
    """``ibge__<code>.json``: one SIDRA ``/values`` document per series for [start, end]."""
    rng = np.random.default_rng(seed + 523)
    files: dict[str, Any] = {}
    ipca_months = _months(max(start, TABLE_7060_FIRST), end)
    general = np.array([_IPCA_YEAR.get(d.year, 0.4) for d in ipca_months])
    general = general + rng.normal(0, 0.22, len(general))
    header = _header("Mês", "Geral, grupo, subgrupo, item e subitem")
    for cat, name in IPCA_GROUPS.items():
        values = general + rng.normal(0, _GROUP_VOL[cat], len(general))
        rows = [_row(f"{v:.2f}", period_code(d, "monthly"), f"{_MONTHS_PT[d.month - 1]} {d.year}",
                     ("63", "IPCA - Variação mensal"), (cat, name))
                for d, v in zip(ipca_months, values, strict=True)]  # fmt: skip
        files[f"ibge__ipca_{cat}.json"] = [header, *rows]

    months = [d for d in _months(start, end) if d >= date(2012, 3, 1)]
    ends = [date(_FIRST_YEAR + i, 12, 1).toordinal() for i in range(len(_UNEMPLOYMENT))]
    level = np.interp([d.toordinal() for d in months], ends, _UNEMPLOYMENT)
    level = level + 0.4 * np.sin([2 * np.pi * (d.month - 3) / 12 for d in months])  # seasonality
    variable = ("4099", "Taxa de desocupação, na semana de referência, das pessoas de 14 anos "
                        "ou mais de idade")  # fmt: skip
    files["ibge__pnad_unemployment.json"] = [_header("Trimestre Móvel", None)] + [
        _row(f"{v:.1f}", period_code(d, "monthly"), _rolling_name(d), variable, None)
        for d, v in zip(months, level, strict=True)
    ]

    quarters = sorted({date(d.year, 3 * ((d.month - 1) // 3) + 1, 1) for d in _months(start, end)})
    gdp = [
        _GDP_SHOCKS.get((q.year, (q.month + 2) // 3), float(rng.normal(0.5, 0.5))) for q in quarters
    ]
    files["ibge__gdp_qoq_sa.json"] = [_header("Trimestre", "Setores e subsetores")] + [
        _row(f"{v:.1f}", period_code(q, "quarterly"), f"{(q.month + 2) // 3}º trimestre {q.year}",
             ("6564", "Taxa de variação do índice de volume trimestral"),
             ("90707", "PIB a preços de mercado"))
        for q, v in zip(quarters, gdp, strict=True)
    ]  # fmt: skip
    return files


def _rolling_name(d: date) -> str:
    """'jan-fev-mar 2024': the three months ending in ``d`` (SIDRA's label)."""
    idx = [(d.month - 3 + k) % 12 for k in range(3)]
    return "-".join(_ABBR[i] for i in idx) + f" {d.year}"
