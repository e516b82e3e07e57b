"""Analytical agents: each turns point-in-time data into an AgentReport."""
