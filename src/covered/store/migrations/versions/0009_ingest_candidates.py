"""candidate records proposed from ingested articles, and review decisions

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply (no schema change yet)."""


def downgrade() -> None:
    """Revert (no schema change yet)."""
