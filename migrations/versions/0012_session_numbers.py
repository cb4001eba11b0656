"""Session numbers per profile: each person's sessions are numbered 1, 2, 3 ...

Until now a session was shown by its row id, shared by every profile of the database: a
second person's first session was "session 7". Each session gets ``number``, its place
among its profile's sessions; existing ones are numbered in the order they were added (by
id), profile by profile. The row id stays, for the joins; ``number`` is what is shown and
typed. A clinician's reviews (flag_reviews, 0009) name sessions the way the program does:
their session and the sessions of the concerns they cover go from row id to number, and
back on the way down. Downgrading drops the numbers (the row ids are unchanged).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import json
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("number", sa.Integer(), nullable=True))
    sessions = sa.table(
        "sessions",
        sa.column("id", sa.Integer()),
        sa.column("profile_id", sa.Integer()),
        sa.column("number", sa.Integer()),
    )
    # One UPDATE however many sessions: each row's place among its profile's, by id.
    earlier = sa.alias(sessions, "earlier")
    place = (
        sa.select(sa.func.count())
        .where(earlier.c.profile_id == sessions.c.profile_id, earlier.c.id <= sessions.c.id)
        .scalar_subquery()
    )
    op.get_bind().execute(sessions.update().values(number=place))
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("number", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(
            op.f("uq_sessions_profile_id_number"), ["profile_id", "number"]
        )
    rows = op.get_bind().execute(sa.text("SELECT id, profile_id, number FROM sessions")).all()
    numbers = {row_id: number for row_id, _, number in rows}
    _renamed_in_reviews(lambda _, row_id: numbers.get(row_id, row_id))


def _renamed_in_reviews(rename: Callable[[int, int], int]) -> None:
    """Each review's session, and its concerns' (``covers``, JSON), renamed: ``rename``
    takes the profile and the old name and gives the new one."""
    bind = op.get_bind()
    reviews = bind.execute(
        sa.text("SELECT id, profile_id, session_id, covers FROM flag_reviews")
    ).all()
    for review_id, profile_id, session_id, covers in reviews:
        concerns = json.loads(covers)
        for concern in concerns:
            if isinstance(concern, dict) and isinstance(concern.get("session_id"), int):
                concern["session_id"] = rename(profile_id, concern["session_id"])
        bind.execute(
            sa.text("UPDATE flag_reviews SET session_id = :s, covers = :c WHERE id = :i"),
            {
                "s": None if session_id is None else rename(profile_id, session_id),
                "c": json.dumps(concerns, sort_keys=True),
                "i": review_id,
            },
        )


def downgrade() -> None:
    rows = op.get_bind().execute(sa.text("SELECT id, profile_id, number FROM sessions")).all()
    row_ids = {(profile_id, number): row_id for row_id, profile_id, number in rows}
    _renamed_in_reviews(lambda profile, number: row_ids.get((profile, number), number))
    with op.batch_alter_table("sessions") as batch:
        batch.drop_constraint(op.f("uq_sessions_profile_id_number"), type_="unique")
        batch.drop_column("number")
