"""Connectors to public sources, one module per endpoint (OpenBB-style Fetchers)."""
