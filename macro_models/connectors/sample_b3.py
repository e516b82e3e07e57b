"""Deterministic B3 "Ajustes do Pregão" pages: DI1 settlements on a realistic curve.

The curve sits on the sample's own Selic target (``bcb_sgs__432`` of ``sample.generate_sgs`` for
the same window and seed, so DI1 and the Selic agree): the overnight CDI is the target less 10 bp;
the market anticipates the realised Copom path over the next quarter, then expects mean reversion
(half-life ~1.4 years) to a slowly drifting anchor near 10 %, plus a term premium rising to
~1.2 pp at ten years and a small slope shock. Daily forward rates compound on business days into
each contract's rate, rounded to 3 decimals as B3 quotes it, then into PU with 2 decimals. The
previous settlement is the last session's PU carried by the CDI, as B3 publishes it.

Listing: the next 12 monthly contracts, the quarterly (Jan/Apr/Jul/Oct) ones up to four years
ahead and January ones up to ten years ahead: ~30 contracts a session. A contract's first session
shows a previous settlement of 0,00, as on the real page. To keep the sample modest only the last
two years of the window are generated (2023-01-02..2024-12-30 for the default window), every
session (~500 pages, ~15,000 rows); pages are ISO-8859-1 HTML, returned as text.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from macro_models.calendars import business_days
from macro_models.connectors.b3_di1 import page_file_name
from macro_models.connectors.sample import _ipca_path, _months, _rolling_12m, _selic_path
from macro_models.instruments import di1

DI1_LABEL = "DI1 - DI de 1 dia"
SAMPLE_YEARS = 1  # one page per session: a year keeps demo and tests quick
_ANTICIPATION_BD = 63  # the market prices the next quarter's Copom moves
_REVERSION_PER_YEAR = 0.5
_ANCHOR_PCT = 10.0
_TERM_PREMIUM_PCT = 1.2

# (vencimento, anterior, atual, variação, valor) as the page prints them.
Row = tuple[str, str, str, str, str]

_PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<title>Ajustes do Pregão</title>
</head>
<body>
<div class="large-12 columns">
<form id="frmConsulta" name="frmConsulta" method="get" action="lum-ajustes-do-pregao-ptBR.asp">
<label for="dData1">Data:</label>
<input type="text" id="dData1" name="dData1" value="{dmy}" maxlength="10" />
<input type="submit" value="OK" class="button" />
</form>
<p class="small-text-left legenda">Atualizado em: {dmy}</p>
<table id="tblDadosAjustes" class="responsive">
<thead>
<tr>
<th>Mercadoria</th>
<th>Vencimento</th>
<th>Preço de ajuste anterior</th>
<th>Preço de ajuste Atual</th>
<th>Variação</th>
<th>Valor do ajuste por contrato (R$)</th>
</tr>
</thead>
<tbody>
{rows}</tbody>
</table>
</div>
</body>
</html>
"""


def br_number(x: float) -> str:
    """12345.6 -> '12.345,60' (the page's number format)."""
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def render_page(day: date, rows: dict[str, list[Row]]) -> str:
    """The page for ``day`` with each commodity's rows (none: the empty-table page)."""
    lines = []
    for label, commodity_rows in rows.items():
        for i, cells in enumerate(commodity_rows):
            first = label if i == 0 else ""
            tds = "".join(f"<td>{c}</td>" for c in cells)
            lines.append(f'<tr>\n<td class="text-left">{first}</td>{tds}\n</tr>\n')
    return _PAGE.format(dmy=day.strftime("%d/%m/%Y"), rows="".join(lines))


def _listed(day: date, year: int, month: int) -> bool:
    ahead = (year - day.year) * 12 + month - day.month
    return ahead <= 12 or (month in (1, 4, 7, 10) and ahead <= 48) or (month == 1 and ahead <= 120)


def _contracts(day: date) -> list[tuple[str, date]]:
    """(code, maturity) of the contracts listed on ``day``, by maturity."""
    out = []
    for ahead in range(0, 121):
        year, month = day.year + (day.month - 1 + ahead) // 12, (day.month - 1 + ahead) % 12 + 1
        if _listed(day, year, month):
            maturity = di1.first_business_day_on_or_after(date(year, month, 1))
            if maturity >= day:
                out.append((di1.contract_code(year, month), maturity))
    return out


def _forward_curve(cdi_ahead: np.ndarray, anchor: float, slope: float, horizon: int) -> np.ndarray:
    """Expected overnight rate (% p.a.) for each of the next ``horizon`` business days."""
    h = np.arange(horizon, dtype=float)
    known = np.full(horizon, cdi_ahead[-1])
    n = min(len(cdi_ahead), horizon)
    known[:n] = cdi_ahead[:n]
    start = cdi_ahead[min(_ANTICIPATION_BD, len(cdi_ahead) - 1)]
    decay = np.exp(-_REVERSION_PER_YEAR * np.maximum(h - _ANTICIPATION_BD, 0) / 252)
    expected = np.where(h < _ANTICIPATION_BD, known, anchor + (start - anchor) * decay)
    premium = _TERM_PREMIUM_PCT * (1 - np.exp(-h / 378)) + slope * (1 - np.exp(-h / 252))
    return np.maximum(expected + premium, 0.5)


def first_sample_day(start: date, end: date) -> date:
    """The first date the DI1 sample covers: ingesting earlier would only fetch empty pages."""
    return max(start, _years_before(end, SAMPLE_YEARS) + timedelta(days=1))


def generate_di1(start: date, end: date, seed: int) -> dict[date, list[Row]]:
    """DI1 rows of each generated session (the last ``SAMPLE_YEARS`` of [start, end])."""
    rng = np.random.default_rng(seed + 23)
    selic = selic_target(start, end, seed)
    sessions = business_days(start, end, "B3")
    cdi = np.array([selic[d] - 0.10 for d in sessions])
    first = _years_before(end, SAMPLE_YEARS) + timedelta(days=1)
    k0 = max(next((k for k, d in enumerate(sessions) if d >= first), len(sessions)) - 1, 0)
    anchor, slope = 0.0, 0.0
    prev_pu: dict[str, float] = {}
    out: dict[date, list[Row]] = {}
    for k in range(k0, len(sessions)):
        day = sessions[k]
        anchor = 0.997 * anchor + rng.normal(0, 0.06)
        slope = 0.99 * slope + rng.normal(0, 0.03)
        contracts = _contracts(day)
        dus = [di1.business_days(day, m) for _, m in contracts]
        fwd = _forward_curve(
            cdi[k : k + _ANTICIPATION_BD + 1], _ANCHOR_PCT + anchor, slope, max(dus) + 1
        )
        growth = np.concatenate([[0.0], np.cumsum(np.log1p(fwd / 100) / 252)])
        # The previous PU corrected by the CDI accrued since the last session (B3's FC factor).
        accrued = di1.business_days(sessions[k - 1], day) if k > 0 else 0
        carry = (1 + cdi[k - 1] / 100) ** (accrued / 252) if k > 0 else 1.0
        rows, pus = [], {}
        for (code, _), du in zip(contracts, dus, strict=True):
            if du == 0:
                pu = di1.FACE_VALUE
            else:
                rate = round(float(np.expm1(growth[du] * 252 / du)) * 100, 3)
                pu = round(float(di1.pu_from_rate(rate, du)), 2)
            pus[code] = pu
            prev = round(prev_pu[code] * carry, 2) if code in prev_pu else 0.0
            change = round(pu - prev, 2) if prev else 0.0
            rows.append(
                (code, br_number(prev), br_number(pu), br_number(change), br_number(abs(change)))
            )
        prev_pu = pus
        if day >= first:
            out[day] = rows
    return out


def selic_target(start: date, end: date, seed: int) -> dict[date, float]:
    """The Selic target path of the SGS sample (``bcb_sgs__432``) for the same window and seed.

    The first steps of ``sample.generate_sgs``, replayed so that the DI1 curve sits on the same
    policy rate without building every other SGS series.
    """
    rng = np.random.default_rng(seed)
    months = _months(start, end)
    ipca = _ipca_path(len(months), months[0].month, rng)
    return _selic_path(start, end, months, _rolling_12m(ipca), rng)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def b3_files(start: date, end: date, seed: int) -> dict[str, str]:
    """{``b3__DI1_<date>.html``: page text}; write each as ISO-8859-1 bytes (see replay)."""
    pages = generate_di1(start, end, seed)
    return {page_file_name(d): render_page(d, {DI1_LABEL: rows}) for d, rows in pages.items()}
