"""device address sort key: addresses sort numerically (127.61.0.2 before 127.61.0.10), IPv4 and IPv6 alike

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import ipaddress

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _key(address: str) -> str:
    # The same key as covered.store.schema.address_key, written out so this revision never changes with it.
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "9" + address[:63]
    return f"{parsed.version}{int(parsed):0{parsed.max_prefixlen // 4}x}"


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("address_key", sa.String(length=64), nullable=True))
    op.create_index("ix_device_address_key", "device", ["address_key"])
    device = sa.table(
        "device",
        sa.column("id", sa.Integer()),
        sa.column("address", sa.String()),
        sa.column("address_key", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(device.c.id, device.c.address).where(device.c.address.is_not(None))).all()
    for device_id, address in rows:
        bind.execute(sa.update(device).where(device.c.id == device_id).values(address_key=_key(address)))


def downgrade() -> None:
    """Revert."""
    op.drop_index("ix_device_address_key", table_name="device")
    with op.batch_alter_table("device") as batch:
        batch.drop_column("address_key")
