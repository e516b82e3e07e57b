"""Ingestion entry points shared by the CLI and the Airflow tasks: live, replay, CSV, payload."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy import Engine

from macro_models.catalog.series import series_for_source
from macro_models.config import Settings, get_settings
from macro_models.connectors.base import RawPayload
from macro_models.connectors.http import RateLimitedTransport
from macro_models.connectors.load import LoadResult, load_payload
from macro_models.connectors.registry import get_fetcher
from macro_models.connectors.replay import ReplayTransport
from macro_models.connectors.sample import sample_is_current, write_sample
from macro_models.connectors.tidy_csv import csv_fetcher_for, csv_payload, split_name


def sample_dir(settings: Settings) -> Path:
    """The deterministic sample payloads, generated on first use under $MACRO_HOME/sample."""
    out = settings.home_dir / "sample"
    # Regenerate when the sources or the catalog changed since the folder was written.
    if not sample_is_current(out):
        write_sample(out)
    return out


def make_client(settings: Settings | None = None, replay_dir: Path | None = None) -> httpx.Client:
    """An HTTP client for the configured data mode (live, replay or sample)."""
    settings = settings or get_settings()
    timeout = httpx.Timeout(settings.http_timeout_s)
    if replay_dir is not None:
        return httpx.Client(transport=ReplayTransport(replay_dir), timeout=timeout)
    if settings.data_mode == "live":
        # Public quotas: FRED allows 120 requests a minute per key.
        limits = {
            httpx.URL(settings.fred_url).host: 0.5,
            httpx.URL(settings.b3_url).host: 1.0,
            httpx.URL(settings.anbima_url).host: 1.0,
        }
        transport = RateLimitedTransport(httpx.HTTPTransport(), limits)
        headers = {"User-Agent": "macro-fund-platform"}
        return httpx.Client(transport=transport, timeout=timeout, headers=headers)
    directory = settings.replay_dir if settings.data_mode == "replay" else sample_dir(settings)
    if directory is None:
        raise ValueError("MACRO_DATA_MODE=replay needs MACRO_REPLAY_DIR")
    return httpx.Client(transport=ReplayTransport(directory), timeout=timeout)


def base_url(source: str, settings: Settings) -> str:
    """Settings.<source>_url: every public endpoint is configurable (tests, mirrors)."""
    return str(getattr(settings, f"{source}_url"))


def credentials(source: str, settings: Settings) -> dict[str, str | None]:
    """Credentials are passed into queries, never read by a fetcher from globals."""
    return {"api_key": settings.fred_api_key} if source == "fred" else {}


def ingest_source(
    engine: Engine,
    source: str,
    codes: Iterable[str] | None,
    start: date,
    end: date,
    client: httpx.Client,
    settings: Settings | None = None,
    on_payload: Callable[[LoadResult], None] | None = None,
) -> list[LoadResult]:
    """Fetch every requested series of ``source`` for [start, end] and load each response."""
    settings = settings or get_settings()
    fetcher = get_fetcher(source)
    catalogued = [s.code for s in series_for_source(source)]
    # Sources that are not catalogued series (DI1 contracts) name their own items.
    items: tuple[str, ...] = getattr(fetcher, "items", ())
    codes = list(codes or catalogued or items)
    if getattr(fetcher, "one_request_for_all_codes", False):
        codes = ["curve"]  # one response holds every series of the source (a whole curve)
    results = []
    for code in codes:
        params = {"code": code, "start": start, "end": end, **credentials(source, settings)}
        query = fetcher.transform_query(params)
        for payload in fetcher.extract_data(query, client, base_url(source, settings)):
            result = load_payload(engine, fetcher, payload)
            results.append(result)
            if on_payload:
                on_payload(result)
    return results


def ingest_all(
    engine: Engine,
    start: date,
    end: date,
    client: httpx.Client,
    settings: Settings | None = None,
    start_by_source: dict[str, date] | None = None,
) -> list[LoadResult]:
    """Every series of every source with a connector, for [start, end].

    ``start_by_source`` moves a source's start later (e.g. where the sample is shorter).
    """
    from macro_models.connectors.registry import FETCHERS

    results = []
    for source, fetcher in FETCHERS.items():
        if series_for_source(source) or hasattr(fetcher, "items"):
            first = max(start, (start_by_source or {}).get(source, start))
            results += ingest_source(engine, source, None, first, end, client, settings)
    return results


def sample_starts(start: date, end: date) -> dict[str, date]:
    """Per-source first days of the sample within [start, end] (see SAMPLE_FIRST_DAY)."""
    from macro_models.connectors.registry import SAMPLE_FIRST_DAY

    return {source: first(start, end) for source, first in SAMPLE_FIRST_DAY.items()}


def ingest_csv_file(engine: Engine, path: Path) -> LoadResult:
    source, _ = split_name(path)
    return load_payload(engine, csv_fetcher_for(source), csv_payload(path))


def ingest_payload_file(engine: Engine, path: Path, source: str, code: str) -> LoadResult:
    payload = RawPayload(
        source=source, item=code, request={"file": path.name}, body=path.read_bytes()
    )
    return load_payload(engine, get_fetcher(source), payload)
