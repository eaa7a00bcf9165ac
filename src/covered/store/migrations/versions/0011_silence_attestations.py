"""silence since removal: what a capture showed (or did not show) of a device after it was removed or replaced

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "silence_attestation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("device_id", sa.Integer(), sa.ForeignKey("device.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scan_id", sa.Integer(), sa.ForeignKey("scan.id", ondelete="SET NULL"), nullable=True),
        sa.Column("capture", sa.Text(), nullable=False),
        sa.Column("mac", sa.String(length=17), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frames_examined", sa.BigInteger(), nullable=False),
        sa.Column("device_frames", sa.BigInteger(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("first_heard", sa.Text(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_silence_attestation_device", "silence_attestation", ["device_id"])


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_silence_attestation_device", table_name="silence_attestation")
    op.drop_table("silence_attestation")
