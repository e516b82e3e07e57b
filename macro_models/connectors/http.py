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
    params: dict[str, Any] | None,
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


class RateLimiter:
    """At most one request per ``min_interval_s`` from this process (a public API's quota)."""

    def __init__(
        self,
        min_interval_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval_s = min_interval_s
        self._clock, self._sleep = clock, sleep
        self._last: float | None = None

    def wait(self) -> None:
        now = self._clock()
        if self._last is not None:
            gap = self._last + self.min_interval_s - now
            if gap > 0:
                self._sleep(gap)
                now += gap
        self._last = now


class RateLimitedTransport(httpx.BaseTransport):
    """Spaces requests per host (``{"api.stlouisfed.org": 0.5}``) before the real transport."""

    def __init__(self, inner: httpx.BaseTransport, min_interval_by_host: dict[str, float]) -> None:
        self.inner = inner
        self.limiters = {h: RateLimiter(s) for h, s in min_interval_by_host.items()}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if limiter := self.limiters.get(request.url.host):
            limiter.wait()
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
