"""From raw payload to bronze: archive first, then parse, then one transactional upsert."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from macro_models.catalog import get_series
from macro_models.connectors.base import Fetcher, RawPayload
from macro_models.connectors.errors import ConnectorError, PayloadError
from macro_models.db.archive import archive_payload, record_rejection
from macro_models.db.upsert import copy_upsert_vintages


@dataclass(frozen=True)
class LoadResult:
    source: str
    item: str
    rows_seen: int
    rows_added: int


def load_payload(engine: Engine, fetcher: type[Fetcher], payload: RawPayload) -> LoadResult:
    """Archive ``payload`` (committed even if parsing fails), then parse and load it atomically."""
    with engine.begin() as conn:
        payload_id, sha = archive_payload(conn, payload)
    custom_known_at = getattr(fetcher, "record_known_at", None)
    try:
        records = fetcher.transform_data(payload)
        # Fetchers whose records are not catalogued series (DI1 contracts, Focus surveys) date
        # each record themselves; the others use the catalog's release rule.
        spec = None if custom_known_at else get_series(f"{payload.source}__{payload.item}")
    except (ConnectorError, KeyError) as exc:
        reason = str(exc) if isinstance(exc, ConnectorError) else exc.args[0]
        with engine.begin() as conn:
            record_rejection(conn, payload_id, reason)
        if isinstance(exc, KeyError):
            raise PayloadError(
                payload.source, payload.item, payload.describe_request(), reason
            ) from None
        raise
    explicit = getattr(fetcher, "explicit_vintages", False)
    extra = getattr(fetcher, "extra_columns", ())

    def known_at(r):
        if custom_known_at:
            return custom_known_at(r)
        # A source-dated vintage is known on its vintage date at the series' release time.
        return spec.release_at(r.vintage_date) if explicit else spec.known_at(r.observation_date)

    rows = (
        (
            *(getattr(r, c) for c in fetcher.key_columns),
            *(getattr(r, c) for c in fetcher.value_columns),
            *(getattr(r, c) for c in extra),
            known_at(r),
            sha,
        )
        for r in records
    )
    with engine.begin() as conn:
        added = copy_upsert_vintages(
            conn,
            fetcher.table,
            fetcher.key_columns,
            fetcher.value_columns,
            rows,
            fetched_at=payload.fetched_at,
            explicit_vintages=explicit,
            extra_columns=extra,
        )
    return LoadResult(payload.source, payload.item, len(records), added)
