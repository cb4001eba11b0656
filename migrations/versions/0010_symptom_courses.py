"""Symptom courses: each session's symptoms summed up (latest value, gone day, count).

Kept up to date by every write, so that a page about one session, and a clinic's triage,
read only the sessions they show or that are still open, not every value ever logged.
Upgrading fills it from the values already there; downgrading drops it (it holds nothing
that the values do not).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# From the values, as the store computes it (tracker/storage/queries.py, course_rows).
FILL = """
INSERT INTO symptom_courses (session_id, symptom, latest, latest_severity, gone, value_count)
SELECT g.session_id, g.symptom, g.latest,
       (SELECT x.severity FROM entries x
        WHERE x.session_id = g.session_id AND x.symptom = g.symptom AND x.date = g.latest),
       (SELECT MIN(y.date) FROM entries y
        WHERE y.session_id = g.session_id AND y.symptom = g.symptom AND y.date > g.present),
       g.n
FROM (SELECT session_id, symptom, MAX(date) AS latest,
             MAX(CASE WHEN severity > 0 THEN date END) AS present, COUNT(*) AS n
      FROM entries GROUP BY session_id, symptom) g
"""


def upgrade() -> None:
    op.create_table(
        "symptom_courses",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("symptom", sa.String(length=40), nullable=False),
        sa.Column("latest", sa.Date(), nullable=False),
        sa.Column("latest_severity", sa.Integer(), nullable=False),
        sa.Column("gone", sa.Date(), nullable=True),
        sa.Column("value_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_symptom_courses_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "symptom", name=op.f("pk_symptom_courses")),
    )
    op.create_index(
        op.f("ix_symptom_courses_latest_severity"), "symptom_courses", ["latest_severity"]
    )
    op.create_index(op.f("ix_symptom_courses_latest"), "symptom_courses", ["latest"])
    op.execute(FILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_symptom_courses_latest"), table_name="symptom_courses")
    op.drop_index(op.f("ix_symptom_courses_latest_severity"), table_name="symptom_courses")
    op.drop_table("symptom_courses")
