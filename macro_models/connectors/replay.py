"""Serve recorded payloads over the real HTTP client, so sample and replay modes run the same
request, retry and parsing code as live mode (an httpx transport, not a test double)."""

from __future__ import annotations

from pathlib import Path

import httpx


class ReplayTransport(httpx.BaseTransport):
    """Answers requests from ``<source>__<item>.json`` files in ``directory``.

    Each connector module knows its own endpoint's paths and paging (its ``replay`` function).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        from macro_models.connectors.registry import REPLAYERS

        for replay in REPLAYERS.values():
            if (response := replay(self.directory, request)) is not None:
                return response
        return httpx.Response(404, text=f"no recorded payload for {request.url.path}")
