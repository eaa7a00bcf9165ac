"""the user's own asset identities (asset tag, location, owner, custom attributes) on devices

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = ("asset_tag", "asset_id", "asset_name", "location", "owner", "cost_centre")


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("device") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
    op.create_index("ix_device_asset_tag", "device", ["asset_tag"])


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_device_asset_tag", table_name="device")
    with op.batch_alter_table("device") as batch:
        batch.drop_column("attributes")
        for name in reversed(_COLUMNS):
            batch.drop_column(name)
