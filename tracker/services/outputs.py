"""Where a command may write a file: never over the database, never over a file unasked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tracker.storage.database import Location
from tracker.storage.private_files import Target, database_files, output_target

__all__ = ["Target", "checked_output"]


def checked_output(
    location: Location, named: Path, *, force: bool, also_protected: Sequence[Path] = ()
) -> Target:
    """The target for ``-o``: the database in use (and ``also_protected``, such as the
    default database) and their journal files are refused, and an existing file is
    replaced only with ``force``."""
    protected = [*also_protected]
    if location.path is not None:
        protected.append(location.path)
    return output_target(
        named, force=force, protected=[f for p in protected for f in database_files(p)]
    )
