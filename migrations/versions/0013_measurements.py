"""Measurements beside the 0-10 values: a body temperature as typed, with its unit.

A day may hold several readings; none replaces another (the record is what the patient
said), and the order they were logged in is kept by their id and logged_at.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=12), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("logged_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "measure <> 'temperature' OR unit IN ('C', 'F')",
            name=op.f("ck_measurements_temperature_unit"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_measurements_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
    )
    op.create_index(
        "ix_measurements_session_id_date", "measurements", ["session_id", "date"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_measurements_session_id_date", table_name="measurements")
    op.drop_table("measurements")
