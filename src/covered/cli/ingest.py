"""`covered ingest` and `covered review`: an article turned into candidate records, reviewed into a registry."""

from __future__ import annotations
