"""Alembic environment: migrations run on the connection covered opens (SQLite or PostgreSQL)."""

from __future__ import annotations

from alembic import context

from covered.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - covered always passes its connection
    raise RuntimeError("covered's migrations run through covered.store.open_store")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
