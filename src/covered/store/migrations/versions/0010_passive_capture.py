"""passive captures: traffic sightings, egress to vendor clouds, silence attestations

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply (no schema change yet)."""


def downgrade() -> None:
    """Revert (no schema change yet)."""
