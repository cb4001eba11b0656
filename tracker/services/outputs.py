"""Where a command may write a file: never over the database, never over a file unasked."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from tracker.storage.database import Location
from tracker.storage.private_files import Target, database_files, output_target, private_output

__all__ = ["Target", "checked_output", "text_output"]


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


@contextmanager
def text_output(target: Target) -> Iterator[IO[str]]:
    """UTF-8 text onto a checked target (a private file, or a stream)."""
    with private_output(target) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.detach()  # flushes; the raw file is closed (or left open) by its owner
