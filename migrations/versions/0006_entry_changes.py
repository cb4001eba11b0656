"""Entry changes: every write to a day's value keeps what was there before, and when.

A correction (a changed or removed value) keeps the earlier value and note with the time
of the change; `tracker undo` puts it back. Values logged before this revision have no
history (they were never changed through it); downgrading drops the history only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("symptom", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Integer(), nullable=True),
        sa.Column("before_note", sa.Text(), nullable=True),
        sa.Column("after", sa.Integer(), nullable=True),
        sa.Column("after_note", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_entry_changes_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_changes")),
    )
    op.create_index(
        op.f("ix_entry_changes_session_id"), "entry_changes", ["session_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_entry_changes_session_id"), table_name="entry_changes")
    op.drop_table("entry_changes")
