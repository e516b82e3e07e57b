"""Instrument conventions (price/rate formulas, maturities) as plain functions, no I/O."""
