"""The explicit registry of connectors, keyed by source (DESIGN.md §4 source keys).

A new source is one module (Fetcher, ``replay``, ``csv_record``), one sample generator, and one
line in each dict below; nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from macro_models.connectors import (
    anbima,
    b3_di1,
    b3_di1_quotes,
    b3_index,
    bcb_focus,
    bcb_ptax,
    bcb_sgs,
    cftc,
    fred,
    ibge,
    ipeadata,
    sample,
    sample_anbima,
    sample_b3,
    sample_b3_index,
    sample_bcb_focus,
    sample_bcb_ptax,
    sample_cftc,
    sample_fred,
    sample_ibge,
    sample_ipeadata,
    sample_tesouro,
    sample_treasury,
    sample_yahoo,
    tesouro,
    treasury,
    yahoo,
)
from macro_models.connectors.base import Fetcher

Replayer = Callable[[Path, httpx.Request], "httpx.Response | None"]
Sampler = Callable[[date, date, int], dict[str, Any]]

FETCHERS: dict[str, type[Fetcher]] = {
    f.key: f
    for f in (
        bcb_sgs.BcbSgsFetcher,
        bcb_ptax.BcbPtaxFetcher,
        bcb_focus.BcbFocusFetcher,
        fred.FredFetcher,
        treasury.TreasuryFetcher,
        yahoo.YahooFetcher,
        b3_di1.B3Di1Fetcher,
        ipeadata.IpeadataFetcher,
        ibge.IbgeSidraFetcher,
        cftc.CftcFetcher,
        b3_index.B3IndexFetcher,
        anbima.AnbimaFetcher,
        tesouro.TesouroFetcher,
    )
}
# Answer a request from recorded payloads in a folder, or None when it is another source's.
REPLAYERS: dict[str, Replayer] = {
    "bcb_sgs": bcb_sgs.replay,
    "bcb_ptax": bcb_ptax.replay,
    "bcb_focus": bcb_focus.replay,
    "fred": fred.replay,
    "treasury": treasury.replay,
    "yahoo": yahoo.replay,
    "b3": b3_di1.replay,
    "ipeadata": ipeadata.replay,
    "ibge": ibge.replay,
    "cftc": cftc.replay,
    "b3_index": b3_index.replay,
    "anbima": anbima.replay,
    "tesouro": tesouro.replay,
    # The current-session DI1 quotes (B3Di1QuotesFetcher) share the b3 key, so only replay here.
    "b3_quotes": b3_di1_quotes.replay,
}
# (start, end, seed) -> {file name: JSON document, or text for non-JSON sources} in the
# source's own payload format.
SAMPLERS: dict[str, Sampler] = {
    "bcb_sgs": sample.sgs_files,
    "bcb_ptax": sample_bcb_ptax.bcb_ptax_files,
    "bcb_focus": sample_bcb_focus.bcb_focus_files,
    "fred": sample_fred.fred_files,
    "treasury": sample_treasury.treasury_files,
    "yahoo": sample_yahoo.yahoo_files,
    "b3": sample_b3.b3_files,
    "ipeadata": sample_ipeadata.ipeadata_files,
    "ibge": sample_ibge.ibge_files,
    "cftc": sample_cftc.cftc_files,
    "b3_index": sample_b3_index.b3_index_files,
    "anbima": sample_anbima.anbima_files,
    "tesouro": sample_tesouro.tesouro_files,
}
# Sources whose sample covers only the end of the sample window: (start, end) -> first day.
SAMPLE_FIRST_DAY: dict[str, Callable[[date, date], date]] = {
    "b3": sample_b3.first_sample_day,
    "anbima": sample_anbima.first_sample_day,
    "tesouro": sample_tesouro.first_sample_day,
}
# (code, date, value) -> the source's record, for tidy <source>__<code>.csv files.
CSV_RECORDS: dict[str, Callable[..., Any]] = {
    "bcb_sgs": bcb_sgs.csv_record,
    "bcb_ptax": bcb_ptax.csv_record,
    "bcb_focus": bcb_focus.csv_record,
    "fred": fred.csv_record,
    "treasury": treasury.csv_record,
    "yahoo": yahoo.csv_record,
    "ipeadata": ipeadata.csv_record,
    "b3_index": b3_index.csv_record,
}

# Long-format files (one row per instrument and date) that a source loads as a whole, by stem.
LONG_CSV_LOADERS: dict[str, Callable[..., Any]] = {
    "anbima__tpf_indicative_rates": anbima.load_anbima_csv,
    "b3__di1_settlement": b3_di1.load_di1_csv,
}


def get_fetcher(source: str) -> type[Fetcher]:
    if source not in FETCHERS:
        raise KeyError(f"no connector for source {source!r}; known: {', '.join(sorted(FETCHERS))}")
    return FETCHERS[source]
