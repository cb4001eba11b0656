"""Kept triage lines: each patient's line on the clinic's list, as last judged.

One row per profile: its place in the list (group, category, days waiting, fixed or
counted from a day), what the list shows of it, the days it holds, the count of writes to
the record and the count it was judged after. The store counts every write to a record;
the clinic's list judges again the lines that do not hold on the day asked (tracker.
services.triage_pages), so it reads a page of kept lines instead of every open recovery.

Upgrading makes a row for every profile with nothing judged yet (the list judges each one
on its first load; nothing here that the values, sessions and reviews do not hold);
downgrading drops the table.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "triage_lines",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("judged", sa.Integer(), nullable=True),
        sa.Column("rules", sa.String(length=16), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("sort_group", sa.Integer(), nullable=True),
        sa.Column("category_rank", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=12), nullable=True),
        sa.Column("waiting", sa.Integer(), nullable=True),
        sa.Column("waiting_from", sa.Integer(), nullable=True),
        sa.Column("reviewed", sa.Boolean(), nullable=True),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("session_number", sa.Integer(), nullable=True),
        sa.Column("session_kind", sa.String(length=40), nullable=True),
        sa.Column("session_date", sa.Date(), nullable=True),
        sa.Column("last_logged", sa.Date(), nullable=True),
        sa.Column("review_action", sa.String(length=20), nullable=True),
        sa.Column("review_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_triage_lines_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", name=op.f("pk_triage_lines")),
    )
    op.create_index(op.f("ix_triage_lines_order"), "triage_lines", ["sort_group", "category_rank"])
    op.create_index(op.f("ix_triage_lines_until"), "triage_lines", ["until"])
    # Every profile's line is judged on the list's first load (changes 1, judged none).
    op.execute("INSERT INTO triage_lines (profile_id, changes) SELECT id, 1 FROM profiles")


def downgrade() -> None:
    op.drop_index(op.f("ix_triage_lines_until"), table_name="triage_lines")
    op.drop_index(op.f("ix_triage_lines_order"), table_name="triage_lines")
    op.drop_table("triage_lines")
