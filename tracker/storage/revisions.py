"""The schema revisions this version of the program knows, oldest first.

Kept here as plain data so that every command can check a database's revision
without importing Alembic; a test holds it equal to the migrations folder.
"""

REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
)
HEAD = REVISIONS[-1]
