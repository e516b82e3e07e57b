from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import text

from api.deps import EngineDep
from api.schemas.health import HealthPublic
from macro_models import __version__

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=HealthPublic)
def read_health(engine: EngineDep) -> HealthPublic:
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        raise HTTPException(
            status_code=503, detail=f"database unreachable: {type(exc).__name__}"
        ) from None
    return HealthPublic(status="ok", database="ok", version=__version__)
