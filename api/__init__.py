"""The REST API of the platform (FastAPI)."""
