"""Small builders shared by the connector tests (payloads from fixture bytes, bronze queries)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from macro_models.connectors.base import RawPayload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bcb_sgs"
SGS_URL = "http://sgs.test/dados/serie/bcdata.sgs.{code}/dados"


def sgs_path(code: str) -> str:
    return f"/dados/serie/bcdata.sgs.{code}/dados"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def sgs_request(code: str, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The request dict extract_data records; the window params are optional."""
    request: dict[str, Any] = {"url": SGS_URL.format(code=code)}
    if start and end:
        request["params"] = {"formato": "json", "dataInicial": dmy(start), "dataFinal": dmy(end)}
    return request


def sgs_payload(
    code: str,
    body: bytes | list[dict[str, Any]],
    start: date | None = None,
    end: date | None = None,
    fetched_at: datetime | None = None,
) -> RawPayload:
    if not isinstance(body, bytes):
        body = json.dumps(body, separators=(",", ":")).encode()
    return RawPayload(
        source="bcb_sgs",
        item=code,
        request=sgs_request(code, start, end),
        body=body,
        content_type="application/json",
        fetched_at=fetched_at or datetime.now(UTC),
    )


def rows(data: list[tuple[str, str]]) -> list[dict[str, str]]:
    """[("dd/mm/yyyy", "valor"), …] → the SGS JSON list."""
    return [{"data": d, "valor": v} for d, v in data]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"select count(*) from {table}")).scalar_one())


def bronze(engine: Engine, code: str | None = None) -> list[Any]:
    """Every bronze.bcb_sgs__series row (optionally of one code), by date then known_at."""
    sql = (
        "select series_code, observation_date, value, known_at, payload_sha256 "
        "from bronze.bcb_sgs__series"
    )
    params = {}
    if code is not None:
        sql += " where series_code = :code"
        params["code"] = code
    with engine.connect() as conn:
        return list(conn.execute(text(sql + " order by observation_date, known_at"), params))
