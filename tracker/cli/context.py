"""What every command shares, kept on ``ctx.obj``: the database and today's date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import click

from tracker.storage.database import Database, Location, exposure, resolve
from tracker.storage.models import DEFAULT_PROFILE


@dataclass
class AppContext:
    db_value: str | None
    today: dt.date
    profile: str = DEFAULT_PROFILE
    _db: Database | None = field(default=None, repr=False)

    @property
    def location(self) -> Location:
        return resolve(self.db_value)

    @property
    def db(self) -> Database:
        if self._db is None:
            location = self.location
            warning = exposure(location)
            if warning:
                click.echo(warning, err=True)
            self._db = Database(location, self.profile)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
