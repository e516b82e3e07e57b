"""The explicit registry of connectors, keyed by source (DESIGN.md §4 source keys).

A new source is one module (Fetcher, ``replay``, ``csv_record``), one sample generator, and one
line in each dict below; nothing registers itself on import.
"""

from __future__ import annotations

from macro_models.connectors import (
    bcb_sgs,
    fred,
    sample,
    sample_fred,
    sample_treasury,
    sample_yahoo,
    treasury,
    yahoo,
)
from macro_models.connectors.base import Fetcher

FETCHERS: dict[str, type[Fetcher]] = {
    f.key: f
    for f in (
        bcb_sgs.BcbSgsFetcher,
        fred.FredFetcher,
        treasury.TreasuryFetcher,
        yahoo.YahooFetcher,
    )
}
# Answer a request from recorded payloads in a folder, or None when it is another source's.
REPLAYERS = {
    "bcb_sgs": bcb_sgs.replay,
    "fred": fred.replay,
    "treasury": treasury.replay,
    "yahoo": yahoo.replay,
}
# (start, end, seed) -> {file name: JSON document, or text for non-JSON sources} in the
# source's own payload format.
SAMPLERS = {
    "bcb_sgs": sample.sgs_files,
    "fred": sample_fred.fred_files,
    "treasury": sample_treasury.treasury_files,
    "yahoo": sample_yahoo.yahoo_files,
}
# (code, date, value) -> the source's record, for tidy <source>__<code>.csv files.
CSV_RECORDS = {
    "bcb_sgs": bcb_sgs.csv_record,
    "fred": fred.csv_record,
    "treasury": treasury.csv_record,
    "yahoo": yahoo.csv_record,
}


def get_fetcher(source: str) -> type[Fetcher]:
    if source not in FETCHERS:
        raise KeyError(f"no connector for source {source!r}; known: {', '.join(sorted(FETCHERS))}")
    return FETCHERS[source]
