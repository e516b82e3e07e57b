"""Macro Fund Platform: data, models and PM workflow for a Brazil/US global-macro fund."""

__version__ = "0.1.0"
