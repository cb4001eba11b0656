"""The web face (`tracker serve`): Flask routes that parse a form, call a service, render.

Imported only by `tracker serve` and its tests: no other command loads Flask.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# The exit status a WSGI server's worker ends with when the clinic's settings are wrong:
# gunicorn then stops ("App failed to load") instead of starting the worker again and again.
APP_LOAD_ERROR = 4


def create_clinic_app(*args: Any, **kwargs: Any) -> Flask:
    """The clinic's hosted app, for a WSGI server: ``tracker.web:create_clinic_app()``
    (tracker.web.hosted; settings from the environment or TRACKER_CONFIG). Wrong settings
    are said in one line on standard error, and the process ends: no traceback."""
    from tracker.domain.errors import TrackerError
    from tracker.web.hosted import create_clinic_app as make

    try:
        return make(*args, **kwargs)
    except TrackerError as exc:
        if args or kwargs:  # settings handed in by a caller: its own to say
            raise
        print(f"tracker: {exc.message}", file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR) from None
