"""One Settings object for the whole platform, read from the environment (DESIGN.md §4)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MACRO_", extra="ignore")

    database_url: str | None = Field(
        default=None, description="PostgreSQL/TimescaleDB URL; unset means the embedded server."
    )
    home: Path | None = Field(
        default=None, description="All local state; unset means .data/ in the repository."
    )
    data_mode: Literal["sample", "live", "replay"] = "sample"
    replay_dir: Path | None = None
    # Embedded server only: the port and the database the platform uses in it.
    pg_port: int = 55432
    db_name: str = "macro"
    pg_bin: Path | None = Field(default=None, description="Folder of initdb/pg_ctl to use.")
    # Public API endpoints are settings so that tests can point them at a local server.
    bcb_sgs_url: str = "https://api.bcb.gov.br"
    bcb_ptax_url: str = "https://olinda.bcb.gov.br"
    bcb_focus_url: str = "https://olinda.bcb.gov.br"
    fred_url: str = "https://api.stlouisfed.org"
    treasury_url: str = "https://home.treasury.gov"
    yahoo_url: str = "https://query1.finance.yahoo.com"
    b3_url: str = "https://www2.bmf.com.br"
    ipeadata_url: str = "http://www.ipeadata.gov.br"
    ibge_url: str = "https://apisidra.ibge.gov.br"
    cftc_url: str = "https://publicreporting.cftc.gov"
    b3_index_url: str = "https://sistemaswebb3-listados.b3.com.br"
    anbima_url: str = "https://www.anbima.com.br"
    tesouro_url: str = "https://www.tesourotransparente.gov.br"
    b3_quotes_url: str = "https://cotacao.b3.com.br"
    http_timeout_s: float = 30.0
    http_retries: int = 4

    fred_api_key: str | None = Field(default=None, validation_alias="FRED_API_KEY")
    anthropic_api_key: str | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")

    @property
    def home_dir(self) -> Path:
        return (self.home or REPO_ROOT / ".data").resolve()

    @property
    def uses_embedded_db(self) -> bool:
        return not self.database_url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
