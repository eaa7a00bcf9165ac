"""the user's own asset identities (asset tag, location, owner, custom attributes) on devices

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply (no schema change yet)."""


def downgrade() -> None:
    """Revert (no schema change yet)."""
