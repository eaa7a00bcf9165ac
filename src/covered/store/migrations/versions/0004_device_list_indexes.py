"""index devices by vendor (with model) and by site: the dashboard filters, sorts and lists their values

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_index("ix_device_vendor_model", "device", ["vendor", "model"])
    op.create_index("ix_device_site", "device", ["site"])


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_device_site", table_name="device")
    op.drop_index("ix_device_vendor_model", table_name="device")
