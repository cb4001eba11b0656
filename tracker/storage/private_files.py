"""Writing files that hold health data: private (0600), never half-written, never over data.

Every file a command writes goes through ``output_target`` (which refuses the database in
use and, without --force, any existing file) and ``private_output`` (a random temporary
name beside the target, fsync, then one rename; the temporary file is removed on every
failure, including Ctrl-C and SIGTERM).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tracker.domain.errors import TrackerError
from tracker.domain.hints import Hint
from tracker.domain.text import visible
from tracker.domain.words import Words

PRIVATE_FILE = 0o600
# Most file systems (ext4, APFS, NTFS...) take at most 255 bytes per name, 4096 per path.
NAME_MAX_BYTES = 255
PATH_MAX_BYTES = 4096
STDOUT = "-"
# Names that mean "this process's own output", whatever they resolve to.
_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
TEMPORARY_PREFIX = ".tracker-"
TEMPORARY_SUFFIX = ".partial"


def check_length(path: Path) -> None:
    """Refuse, in words, a name the file system would refuse with a traceback."""
    encoded = os.fsencode(str(path))
    if len(encoded) > PATH_MAX_BYTES:
        raise TrackerError.malformed(
            f"The path {visible(str(path))[:80]}... is longer than {PATH_MAX_BYTES} bytes."
        )
    for part in path.parts:
        if len(os.fsencode(part)) > NAME_MAX_BYTES:
            raise TrackerError.malformed(
                f"The file name {visible(part)[:60]}... is longer than {NAME_MAX_BYTES} bytes; "
                "choose a shorter name."
            )


def database_files(path: Path) -> list[Path]:
    """An SQLite database and the journal files SQLite keeps beside it."""
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


@dataclass(frozen=True)
class Target:
    """Where an output goes: a new or replaced regular ``file``, or an existing ``stream``
    (standard output, a terminal, a FIFO, a device) written in place."""

    shown: str  # as the user named it, for messages
    path: Path  # links resolved
    kind: str  # "file" | "stream" | "stdout"
    fd: int | None = None  # for /dev/stdout and /dev/stderr


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def output_target(
    named: Path | str, *, force: bool = False, protected: Iterable[Path] = ()
) -> Target:
    """Check where an output may go, before anything is written.

    ``protected``: files that must never be replaced (the database in use and its journals).
    """
    text = str(named)
    if text == STDOUT:
        return Target("standard output", Path(STDOUT), "stdout")
    if text in _STANDARD_STREAMS:
        return Target(text, Path(text), "stdout", _STANDARD_STREAMS[text])
    path = Path(named)
    check_length(path)
    shown = visible(text)
    try:
        real = Path(os.path.realpath(path))
    except (OSError, RuntimeError, ValueError) as exc:
        raise TrackerError(Words.CANNOT_WRITE.format(path=shown, reason=exc)) from None
    for kept in protected:
        kept_real = Path(os.path.realpath(kept))
        if real == kept_real or _same_file(real, kept_real):
            raise TrackerError(
                f"{shown} is the database in use (or one of its journal files); writing there "
                "would destroy your data. Choose another file name."
            )
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise TrackerError(Words.CANNOT_WRITE.format(path=shown, reason=exc.strerror)) from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise TrackerError(f"{shown} is a folder; give a file name.")
        if not stat.S_ISREG(info.st_mode):
            return Target(shown, real, "stream")
        if not force:
            raise TrackerError.conflict(Words.FILE_EXISTS.format(path=shown), hint=Hint("force"))
    if not real.parent.is_dir():
        raise TrackerError(Words.FOLDER_MISSING.format(folder=visible(str(real.parent))))
    return Target(shown, real, "file")


@contextmanager
def temporary_beside(target: Path) -> Iterator[tuple[int, Path]]:
    """A new private file with a random name in the target's folder (O_EXCL, 0600),
    removed, with any SQLite journal beside it, unless the caller moved it away."""
    try:
        fd, name = tempfile.mkstemp(
            prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=target.parent
        )
    except OSError as exc:
        raise TrackerError(
            f"Cannot write in {visible(str(target.parent))}: {exc.strerror}."
        ) from None
    temporary = Path(name)
    try:
        yield fd, temporary
    finally:
        with suppress(OSError):
            os.close(fd)
        for leftover in database_files(temporary):
            with suppress(OSError):
                leftover.unlink()


def _write_failed(target: Target, exc: OSError) -> TrackerError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return TrackerError(f"The disk is full: {target.shown} was not written.")
    return TrackerError(Words.CANNOT_WRITE.format(path=target.shown, reason=exc.strerror or exc))


def sync_folder(folder: Path) -> None:
    """Make a rename inside the folder durable (not every system allows it: best effort)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def private_output(target: Target) -> Iterator[BinaryIO]:
    """A binary handle onto the target: a private file moved into place only once fully
    written and synced, or the stream itself."""
    if target.kind == "stdout":
        stream = sys.stdout if target.fd != 2 else sys.stderr
        stream.flush()
        handle: BinaryIO = stream.buffer
        try:
            yield handle
            handle.flush()
        except OSError as exc:
            raise _write_failed(target, exc) from None
        return
    if target.kind == "stream":
        try:
            # Never created, never truncated: a device or FIFO is written to, not replaced.
            fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY)
            if stat.S_ISREG(os.fstat(fd).st_mode):  # it changed since it was checked
                os.close(fd)
                raise TrackerError.conflict(
                    Words.FILE_EXISTS.format(path=target.shown), hint=Hint("force")
                )
            with os.fdopen(fd, "wb") as stream_handle:
                yield stream_handle
        except OSError as exc:
            raise _write_failed(target, exc) from None
        return
    with temporary_beside(target.path) as (fd, temporary):
        try:
            with os.fdopen(os.dup(fd), "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target.path)
        except OSError as exc:
            raise _write_failed(target, exc) from None
    sync_folder(target.path.parent)
