"""What every command shares, kept on ``ctx.obj``: the database and today's date."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from tracker.domain.profiles import DEFAULT_PROFILE

if TYPE_CHECKING:  # the storage layer (SQLAlchemy) loads only when a command needs it
    from tracker.services.common import DayStore
    from tracker.services.databases import Database, Location, Store
    from tracker.services.outputs import Target
    from tracker.services.triage import TriageStore

T = TypeVar("T")


def default_database() -> Path:
    """tracker.db in the per-user app folder, found the way click-based tools find it."""
    return Path(click.get_app_dir("tracker")) / "tracker.db"


class AppContext:
    # A plain class: `tracker --help` should not pay for importing dataclasses.
    def __init__(self, db_value: str | None, today: dt.date, profile: str = DEFAULT_PROFILE):
        self.db_value = db_value
        self.today = today
        self.profile = profile
        self._db: Database | None = None
        self._warned = False  # the warning about a file others can read: said at most once

    @property
    def location(self) -> Location:
        from tracker.services.databases import locate

        return locate(self.db_value, default_database())

    def has_database(self) -> bool:
        """Whether there is data to look at: a server, or an SQLite file that exists."""
        path = self.location.path
        return path is None or path.exists()

    @property
    def db(self) -> Database:
        if self._db is None:
            from tracker.services.databases import exposure, open_database

            location = self.location
            self._warn(exposure(location))
            self._db = open_database(location, self.profile)
            # The storage layer (SQLAlchemy, the models) loads here, after the command's
            # module was frozen (TrackerGroup.get_command): out of the collector's sight
            # too, or every collection of an allocation-heavy command walks it again.
            gc.freeze()
        return self._db

    def _warn(self, warning: str | None) -> None:
        if warning and not self._warned:
            click.echo(warning, err=True)
            self._warned = True

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The command's unit of work when it only reads: one transaction, never waiting
        for a writer."""
        with self.db.reading() as store:
            yield store

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The command's unit of work when it writes: one transaction, committed when the
        command's work is done, rolled back as a whole on any error."""
        with self.db.writing() as store:
            yield store

    def writing_day(self, work: Callable[[DayStore], T]) -> T:
        """A day's log as the command's unit of work: on an SQLite file, first through
        sqlite3 alone (no SQLAlchemy to import: most of what `tracker log` cost); wherever
        that path is not sure to do what the usual one does, it wrote nothing and the usual
        one does the work (tracker.services.quick)."""
        from tracker.services import quick

        path = quick.quick_file(self.db_value, default_database()) if self._db is None else None
        if path is not None:
            self._warn(quick.exposure(path))
            done = quick.done_quickly(path, self.profile, work)
            if done is not None:
                return done[0]
        with self.writing() as store:
            return work(store)

    def reading_quickly(self, work: Callable[[TriageStore], T]) -> T:
        """A clinic's triage read as the command's unit of work: first through the bare
        driver (sqlite3, or psycopg for a PostgreSQL URL: no SQLAlchemy to import, most of
        what `flags --all-profiles` cost); wherever that path is not sure to read what the
        usual one reads, the usual one reads instead (tracker.services.quick)."""
        from tracker.services import quick

        source = quick.quick_source(self.db_value, default_database()) if self._db is None else None
        if source is not None:
            if isinstance(source, Path):
                self._warn(quick.exposure(source))
            done = quick.read_quickly(source, work)
            if done is not None:
                return done[0]
        with self.reading() as store:
            return work(store)

    def output(self, named: Path, *, force: bool) -> Target:
        """Where a command may write: never the database in use (nor the default one, nor
        their journals), never over an existing file without --force."""
        from tracker.services.outputs import checked_output

        return checked_output(
            self.location, named, force=force, also_protected=[default_database()]
        )

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


# Hands a command the AppContext that the top-level group put on ctx.obj.
pass_app = click.make_pass_decorator(AppContext)
