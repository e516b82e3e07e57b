"""What every Fetcher hands to the loader: raw payloads in, validated records out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol

import httpx
from pydantic import BaseModel


@dataclass(frozen=True)
class RawPayload:
    """One response body exactly as the source sent it, with the request that produced it."""

    source: str
    item: str
    request: dict[str, Any]
    body: bytes
    content_type: str | None = None
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def describe_request(self) -> str:
        url = self.request.get("url") or self.request.get("file", "?")
        params = self.request.get("params")
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        return url


class Fetcher(Protocol):
    """transform_query → extract_data (the only I/O) → transform_data (pure)."""

    key: ClassVar[str]
    table: ClassVar[str]
    key_columns: ClassVar[tuple[str, ...]]
    value_columns: ClassVar[tuple[str, ...]]

    @staticmethod
    def transform_query(params: dict[str, Any]) -> Any: ...

    @staticmethod
    def extract_data(query: Any, client: httpx.Client, base_url: str) -> list[RawPayload]: ...

    @staticmethod
    def transform_data(payload: RawPayload) -> Sequence[BaseModel]: ...


# Optional Fetcher attributes, read by the loader with getattr:
#   extra_columns: tuple[str, ...]   stored, never compared (e.g. ALFRED realtime_end)
#   explicit_vintages: bool          the source dates each vintage (record.vintage_date)
#   record_known_at(record) -> datetime   the fetcher dates each record itself, for records that
#                                         are not catalogued series (contracts, survey items)
