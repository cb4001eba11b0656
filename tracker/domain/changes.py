"""The words for a change to a value: what it did, what undo puts back, and the history's
"changed from 5 on <date>"."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.domain.records import ChangeRecord


def when(change: ChangeRecord) -> str:
    return f"{change.changed_at:%Y-%m-%d %H:%M} UTC"


def what_it_did(change: ChangeRecord) -> str:
    """'itching on 2026-11-20: changed from 9/10 to 0/10 at 2026-12-03 00:59 UTC'."""
    head = f"{change.symptom} on {change.date}"
    if change.before is None and change.after is not None:
        return f"{head}: logged as {change.after}/10 at {when(change)}"
    if change.after is None:
        return f"{head}: {change.before}/10 removed at {when(change)}"
    if change.before == change.after:
        return f"{head}: its note changed at {when(change)}"
    return f"{head}: changed from {change.before}/10 to {change.after}/10 at {when(change)}"


def what_undo_gives(change: ChangeRecord) -> str:
    """What the day holds once this change is undone."""
    if change.before is None:
        return f"{change.symptom} on {change.date} has no value again"
    return f"{change.symptom} on {change.date} is {change.before}/10 again"


def changed_from(changes: Iterable[ChangeRecord]) -> dict[tuple[object, ...], ChangeRecord]:
    """For each value (session, date, symptom), its latest correction still in force: the
    change that replaced an earlier value (the history's "changed from 5 on <date>")."""
    found: dict[tuple[object, ...], ChangeRecord] = {}
    for change in changes:  # oldest first
        if change.undone_at is not None:
            continue
        if change.before is not None and change.after is not None:
            found[change.key] = change
        else:  # a fresh value or a removal: no earlier value in force
            found.pop(change.key, None)
    return found
