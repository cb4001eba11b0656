"""Temperature changes: a reading logged, corrected or removed is kept as a change, as a
value is, so that undo can put back what it replaced.

``entry_changes`` gains the reading a change is about (``reading_id``, the measurement's
row id, kept when the reading itself is removed so that undo can put it back with its
place among the day's readings) and the reading before and after it (the number as typed
and its unit; ``before_note``/``after_note`` hold its note). ``symptom`` says
"temperature" for these; their 0-10 ``before``/``after`` stay empty. Readings logged
before this revision have no history. Downgrading drops the temperature changes (the
readings themselves are untouched) and the columns.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry_changes") as batch:
        batch.add_column(sa.Column("reading_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("before_reading", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("before_unit", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("after_reading", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("after_unit", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM entry_changes WHERE reading_id IS NOT NULL")
    with op.batch_alter_table("entry_changes") as batch:
        batch.drop_column("after_unit")
        batch.drop_column("after_reading")
        batch.drop_column("before_unit")
        batch.drop_column("before_reading")
        batch.drop_column("reading_id")
