"""Profiles: several people (a family, a clinic's patients) in one database.

Every existing session and override moves to a "default" profile.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    profiles = op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("skin_type", sa.String(length=3), nullable=True),
        sa.Column("sensitive_skin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("name", name=op.f("uq_profiles_name")),
    )
    op.bulk_insert(profiles, [{"id": 1, "name": "default", "sensitive_skin": False}])
    if op.get_bind().dialect.name == "postgresql":
        # The explicit id above does not move the sequence on; the next profile would clash.
        op.execute("SELECT setval(pg_get_serial_sequence('profiles', 'id'), 1)")
    for table in ("sessions", "protocol_overrides"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("profile_id", sa.Integer(), nullable=False, server_default="1")
            )
            batch.create_foreign_key(
                op.f(f"fk_{table}_profile_id_profiles"),
                "profiles",
                ["profile_id"],
                ["id"],
                ondelete="CASCADE",
            )
        with op.batch_alter_table(table) as batch:
            batch.alter_column("profile_id", server_default=None)
    with op.batch_alter_table("sessions") as batch:
        batch.create_index("ix_sessions_profile_id_date", ["profile_id", "date"])
    with op.batch_alter_table("protocol_overrides") as batch:
        batch.drop_constraint("uq_protocol_overrides_kind_symptom", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_protocol_overrides_profile_id_kind_symptom"),
            ["profile_id", "kind", "symptom"],
        )


def downgrade() -> None:
    # Profiles merge back into one person's data; overrides keep the default profile's.
    op.execute("DELETE FROM protocol_overrides WHERE profile_id <> 1")
    with op.batch_alter_table("protocol_overrides") as batch:
        batch.drop_constraint("uq_protocol_overrides_profile_id_kind_symptom", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_protocol_overrides_kind_symptom"), ["kind", "symptom"]
        )
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_profile_id_date")
    for table in ("sessions", "protocol_overrides"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_profile_id_profiles"), type_="foreignkey")
            batch.drop_column("profile_id")
    op.drop_table("profiles")
