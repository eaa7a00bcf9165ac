"""sites, site workers, scan chunks and schedules of the distributed deployment

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply (no schema change yet)."""


def downgrade() -> None:
    """Revert (no schema change yet)."""
