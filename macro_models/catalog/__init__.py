"""Series metadata: one CSV, read here and loaded by dbt as the `series_catalog` seed."""

from macro_models.catalog.series import CATALOG_PATH, SeriesSpec, get_series, load_catalog

__all__ = ["CATALOG_PATH", "SeriesSpec", "get_series", "load_catalog"]
