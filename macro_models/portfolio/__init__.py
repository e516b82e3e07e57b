"""Portfolio construction: from aggregated signals to sized, limit-checked weights of NAV."""
