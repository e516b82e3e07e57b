"""Trading strategies: each turns point-in-time data into target exposures per instrument."""
