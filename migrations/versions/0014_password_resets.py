"""Forgotten passwords: requests counted for the rate limit, and links that keep the second factor.

``reset_requests``: each "Forgotten your password?" request, by the hash of the address typed
and the network address it came from (kept a day), so that every app process counts the same.
``account_links.keeps_second_factor``: a link asked for on the sign-in page sets a new password
and nothing more; every link made before (by the clinic) stays as it was (false: it also
clears a staff member's second factor, to enrol anew).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reset_requests")),
    )
    op.create_index(
        "ix_reset_requests_email_hash_asked_at",
        "reset_requests",
        ["email_hash", "asked_at"],
        unique=False,
    )
    op.create_index(
        "ix_reset_requests_address_asked_at",
        "reset_requests",
        ["address", "asked_at"],
        unique=False,
    )
    with op.batch_alter_table("account_links") as batch:
        batch.add_column(
            sa.Column(
                "keeps_second_factor", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    # A link asked for on the sign-in page becomes an ordinary one (it would then also clear
    # a staff member's second factor): such links are spent, so that none changes its meaning.
    op.execute(
        "UPDATE account_links SET used_at = created_at "
        "WHERE keeps_second_factor AND used_at IS NULL"
    )
    with op.batch_alter_table("account_links") as batch:
        batch.drop_column("keeps_second_factor")
    op.drop_index("ix_reset_requests_address_asked_at", table_name="reset_requests")
    op.drop_index("ix_reset_requests_email_hash_asked_at", table_name="reset_requests")
    op.drop_table("reset_requests")
