"""The raw payload archive: every response body is stored (gzip) before it is parsed."""

from __future__ import annotations

import gzip
import hashlib
import json

from sqlalchemy import Connection, text

from macro_models.connectors.base import RawPayload


def payload_sha256(payload: RawPayload) -> str:
    return hashlib.sha256(payload.body).hexdigest()


def archive_payload(conn: Connection, payload: RawPayload) -> tuple[int, str]:
    """Store the body once per (source, item, hash); return its id and hash."""
    sha = payload_sha256(payload)
    row = conn.execute(
        text(
            """
            insert into bronze.raw_payloads
                (source, item, request, fetched_at, sha256, content_type, body_gzip, body_bytes)
            values (:source, :item, cast(:request as jsonb), :fetched_at, :sha, :ctype, :body, :n)
            on conflict (source, item, sha256) do update set sha256 = excluded.sha256
            returning payload_id
            """
        ),
        {
            "source": payload.source,
            "item": payload.item,
            "request": json.dumps(payload.request, default=str),
            "fetched_at": payload.fetched_at,
            "sha": sha,
            "ctype": payload.content_type,
            "body": gzip.compress(payload.body),
            "n": len(payload.body),
        },
    ).one()
    return int(row.payload_id), sha


def record_rejection(conn: Connection, payload_id: int, reason: str) -> None:
    conn.execute(
        text("insert into bronze.payload_rejections (payload_id, reason) values (:id, :reason)"),
        {"id": payload_id, "reason": reason},
    )
