"""index devices by address (merging, lookups by address and saving findings scanned the whole table)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_index("ix_device_address", "device", ["address"])


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_device_address", table_name="device")
