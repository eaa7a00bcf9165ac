"""Alembic migrations of covered's database (run by covered.store.open_store)."""
