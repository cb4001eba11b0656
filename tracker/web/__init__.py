"""The web face (`tracker serve`): Flask routes that parse a form, call a service, render.

Imported only by `tracker serve` and its tests: no other command loads Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_clinic_app(*args: Any, **kwargs: Any) -> Flask:
    """The clinic's hosted app, for a WSGI server: ``tracker.web:create_clinic_app()``
    (tracker.web.hosted; settings from the environment or TRACKER_CONFIG)."""
    from tracker.web.hosted import create_clinic_app as make

    return make(*args, **kwargs)
