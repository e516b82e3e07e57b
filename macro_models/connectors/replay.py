"""Serve recorded payloads over the real HTTP client, so sample and replay modes run the same
request, retry and parsing code as live mode (an httpx transport, not a test double)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import httpx

_SGS_PATH = re.compile(r"/dados/serie/bcdata\.sgs\.(\d+)/dados$")


class ReplayTransport(httpx.BaseTransport):
    """Answers requests from ``<source>__<item>.json`` files in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if m := _SGS_PATH.search(request.url.path):
            return self._sgs(m.group(1), request)
        if request.url.path.endswith("/fred/series/observations"):
            return self._fred(request)
        return httpx.Response(404, text=f"no recorded payload for {request.url.path}")

    def _sgs(self, code: str, request: httpx.Request) -> httpx.Response:
        path = self.directory / f"bcb_sgs__{code}.json"
        if not path.exists():
            return httpx.Response(404, json={"error": f"no recorded series {code}"})
        rows = json.loads(path.read_text())
        lo, hi = (request.url.params.get(k) for k in ("dataInicial", "dataFinal"))
        if lo and hi:
            start = datetime.strptime(lo, "%d/%m/%Y").date()
            end = datetime.strptime(hi, "%d/%m/%Y").date()
            rows = [
                r for r in rows if start <= datetime.strptime(r["data"], "%d/%m/%Y").date() <= end
            ]
        return httpx.Response(200, json=rows)

    def _fred(self, request: httpx.Request) -> httpx.Response:
        p = request.url.params
        path = self.directory / f"fred__{p.get('series_id', '')}.json"
        if not path.exists():
            return httpx.Response(400, json={"error_code": 400, "error_message": "Bad series id"})
        doc = json.loads(path.read_text())
        lo, hi = p.get("observation_start", "0000"), p.get("observation_end", "9999")
        rt_lo = p.get("realtime_start", "0000")
        rows = [
            o for o in doc["observations"] if lo <= o["date"] <= hi and o["realtime_end"] >= rt_lo
        ]
        offset, limit = int(p.get("offset", 0)), int(p.get("limit", 100000))
        page = {**doc, "count": len(rows), "offset": offset, "limit": limit}
        page["observations"] = rows[offset : offset + limit]
        return httpx.Response(200, json=page)
