"""Risk engine: covariance, VaR/ES, Monte Carlo, decomposition, stress, limits, backtests."""
