"""The explicit registry of Fetchers, keyed by source (DESIGN.md §4 source keys)."""

from __future__ import annotations

from macro_models.connectors.base import Fetcher
from macro_models.connectors.bcb_sgs import BcbSgsFetcher
from macro_models.connectors.fred import FredFetcher

FETCHERS: dict[str, type[Fetcher]] = {f.key: f for f in (BcbSgsFetcher, FredFetcher)}


def get_fetcher(source: str) -> type[Fetcher]:
    if source not in FETCHERS:
        raise KeyError(f"no connector for source {source!r}; known: {', '.join(sorted(FETCHERS))}")
    return FETCHERS[source]
