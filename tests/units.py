"""Calling a use case as a face does: in a unit of work of its own (one transaction)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tracker.storage.database import Database
from tracker.storage.store import Store

T = TypeVar("T")


class Units:
    """``units(service, *args)`` runs the service in one writing transaction, as a command
    or a web request would: committed when it returns, rolled back when it raises."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def __call__(self, service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.database.writing() as store:
            return service(store, *args, **kwargs)

    def reading(self, service: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.database.reading() as store:
            return service(store, *args, **kwargs)

    def dispose(self) -> None:
        self.database.dispose()


__all__ = ["Store", "Units"]
