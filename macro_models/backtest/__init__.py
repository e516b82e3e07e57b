"""Backtests: the engine, metrics, walk-forward validation and the tearsheet."""
