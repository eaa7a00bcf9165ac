"""Database: scans, hosts, observations and device results (SQLite by default, PostgreSQL by URL)."""

from covered.store.db import DEFAULT_DB, HostRecord, Store, database_url, open_store

__all__ = ["DEFAULT_DB", "HostRecord", "Store", "database_url", "open_store"]
