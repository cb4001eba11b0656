"""Overrides of the expected recovery course per treatment kind and symptom.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "protocol_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("symptom", sa.String(length=40), nullable=False),
        sa.Column("typical_days", sa.Integer(), nullable=True),
        sa.Column("max_days", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "max_days >= 0 AND (typical_days IS NULL OR "
            "(typical_days >= 0 AND typical_days <= max_days))",
            name=op.f("ck_protocol_overrides_days_in_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_overrides")),
        sa.UniqueConstraint("kind", "symptom", name=op.f("uq_protocol_overrides_kind_symptom")),
    )


def downgrade() -> None:
    op.drop_table("protocol_overrides")
