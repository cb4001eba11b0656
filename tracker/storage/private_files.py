"""Writing files that hold health data: private (0600) and never half-written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from tracker.domain.errors import TrackerError

PRIVATE_FILE = 0o600


@contextmanager
def private_output(path: Path) -> Iterator[BinaryIO]:
    """A file readable by its owner alone, moved into place only once fully written."""
    folder = path.parent
    if not folder.is_dir():
        raise TrackerError(f"The folder {folder} does not exist; create it first.")
    if path.is_dir():
        raise TrackerError(f"{path} is a folder; give a file name.")
    temporary = folder / f".{path.name}.{os.getpid()}.partial"
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    except OSError as exc:
        raise TrackerError(f"Cannot write {path}: {exc.strerror}.") from None
    try:
        os.fchmod(fd, PRIVATE_FILE)  # a left-over file may have had wider rights
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
