"""Build the FastAPI app: one router per resource, OpenAPI docs at /docs."""

from __future__ import annotations

from fastapi import FastAPI

from api.routers import agents, health, series
from macro_models import __version__


def create_app() -> FastAPI:
    app = FastAPI(
        title="Macro Fund Platform API",
        version=__version__,
        description="Point-in-time series, agent views and (later) the PM workflow.",
    )
    for router in (health.router, series.router, agents.router):
        app.include_router(router)
    return app


app = create_app()
