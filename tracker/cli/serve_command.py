"""`tracker serve`: the web page, on this computer. Flask and waitress load only here."""

from __future__ import annotations

import datetime as dt

import click

from tracker.cli.context import AppContext, pass_app
from tracker.cli.params import WholeNumber

PORT = WholeNumber("PORT", low=0, high=65535, meaning="a port number from 0 to 65535")


@click.command()
@click.option(
    "--port",
    type=PORT,
    help="Port to listen on. Default: 8765, or any free port when it is taken; 0: any.",
)
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this computer's own (127.0.0.1) is reachable "
    "from the network: a warning is printed.",
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser; just print the address.")
@pass_app
def serve(app: AppContext, port: int | None, host: str, no_browser: bool) -> None:
    """Open the tracker as a web page, on this computer only.

    It opens in your browser at an address holding a new secret key each time it starts;
    only a browser that opened it gets in. Stop it with Ctrl-C.
    """
    from tracker.cli.local_zone import local_zone_name
    from tracker.web.server import bind_address
    from tracker.web.server import serve as run

    host = bind_address(host)  # before the database is opened: a refusal changes nothing

    fixed = click.get_current_context().find_root().params.get("today")

    def today() -> dt.date:
        # A page left open overnight moves to the new day, unless --today pinned one.
        return fixed if fixed is not None else dt.date.today()

    _ = app.db  # the usual checks and warnings (a database others can read) before serving
    run(
        app.location,
        app.profile,
        host=host,
        port=port,
        open_browser=not no_browser,
        today=today,
        say=click.echo,
        zone_name=local_zone_name(),
    )
