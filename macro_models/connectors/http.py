"""GET with exponential backoff and jitter on 429, 5xx and timeouts, then a clear failure."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from macro_models.connectors.errors import FetchError

RETRY_STATUS = {429, 500, 502, 503, 504}


def get_with_retries(
    client: httpx.Client,
    url: str,
    params: dict[str, Any],
    *,
    source: str,
    item: str,
    retries: int = 4,
    backoff_s: float = 1.0,
    max_backoff_s: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    request = str(httpx.URL(url, params=params))
    last = ""
    for attempt in range(retries + 1):
        try:
            resp = client.get(url, params=params)
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.TransportError as exc:
            last = f"transport error: {exc}"
        else:
            if resp.status_code < 400:
                return resp
            if resp.status_code not in RETRY_STATUS:
                raise FetchError(source, item, request, f"HTTP {resp.status_code}")
            last = f"HTTP {resp.status_code}"
            retry_after = resp.headers.get("Retry-After", "")
            if retry_after.isdigit() and attempt < retries:
                sleep(min(float(retry_after), max_backoff_s))
                continue
        if attempt < retries:
            # Full jitter keeps many workers from retrying in lockstep against one API.
            sleep(random.uniform(0, min(max_backoff_s, backoff_s * 2**attempt)))
    raise FetchError(source, item, request, f"gave up after {retries + 1} attempts: {last}")
