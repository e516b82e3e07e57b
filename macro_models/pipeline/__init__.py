"""The daily cycle: ingest → transform → agents, timed step by step and recorded."""
