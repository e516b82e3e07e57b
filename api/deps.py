"""Shared dependencies: the database engine and lookups that 404 on unknown ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path
from sqlalchemy import Engine

from macro_models.catalog import SeriesSpec, load_catalog
from macro_models.db.engine import get_engine


def engine_dep() -> Engine:
    return get_engine()


EngineDep = Annotated[Engine, Depends(engine_dep)]


def series_dep(
    series_id: Annotated[str, Path(description="Series id, e.g. bcb_sgs__432.")],
) -> SeriesSpec:
    spec = load_catalog().get(series_id)
    if spec is None:
        raise HTTPException(status_code=404, detail=f"unknown series {series_id!r}")
    return spec


SeriesDep = Annotated[SeriesSpec, Depends(series_dep)]
