"""Profile uuid: a stable random id per person, for the FHIR Patient a clinic files.

Existing profiles get a fresh random id here; new ones get theirs when they are added.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
    profiles = sa.table("profiles", sa.column("id", sa.Integer()), sa.column("uuid", sa.String()))
    bind = op.get_bind()
    for (profile_id,) in bind.execute(sa.select(profiles.c.id)).all():
        bind.execute(
            profiles.update().where(profiles.c.id == profile_id).values(uuid=str(uuid.uuid4()))
        )
    with op.batch_alter_table("profiles") as batch:
        batch.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
        batch.create_unique_constraint(op.f("uq_profiles_uuid"), ["uuid"])


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_constraint(op.f("uq_profiles_uuid"), type_="unique")
        batch.drop_column("uuid")
