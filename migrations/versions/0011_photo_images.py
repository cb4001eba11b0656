"""A photo's bytes in a table of their own, beside its record.

SQLite keeps a row's columns in order, and a photo's 160 KB image sat before its note and
times: every list of photos (History, the chart's photo days) walked each image's overflow
pages to reach them (18 ms for 90 photos, most of History's time). photo_images holds the
image and the thumbnail, one row per photo, deleted with it; photos keeps the record.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photo_images",
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["photo_id"],
            ["photos.id"],
            name=op.f("fk_photo_images_photo_id_photos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("photo_id", name=op.f("pk_photo_images")),
    )
    op.execute(
        "INSERT INTO photo_images (photo_id, image, thumbnail) "
        "SELECT id, image, thumbnail FROM photos"
    )
    with op.batch_alter_table("photos") as batch:
        batch.drop_column("image")
        batch.drop_column("thumbnail")


def downgrade() -> None:
    # Added empty, filled from photo_images, then made NOT NULL as 0007 had them (on SQLite
    # the batch rebuilds the table; the columns come last, as they then did not).
    with op.batch_alter_table("photos") as batch:
        batch.add_column(sa.Column("image", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("thumbnail", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE photos SET "
        "image = (SELECT image FROM photo_images WHERE photo_images.photo_id = photos.id), "
        "thumbnail = (SELECT thumbnail FROM photo_images WHERE photo_images.photo_id = photos.id)"
    )
    with op.batch_alter_table("photos") as batch:
        batch.alter_column("image", existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column("thumbnail", existing_type=sa.LargeBinary(), nullable=False)
    op.drop_table("photo_images")
