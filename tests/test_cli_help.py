"""Help pages: one source for each command's words, words instead of click's jargon,
only what a command accepts, and `tracker` alone as a short overview."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from conftest import TODAY, Run

from tracker.cli import COMMANDS, cli


def _first_paragraph(command: click.Command) -> str:
    return " ".join((command.help or "").split("\n\n")[0].split())


def _every_command() -> Iterator[tuple[list[str], click.Command]]:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        yield [name], command
        if isinstance(command, click.Group):
            for sub_name, sub in command.commands.items():
                yield [name, sub_name], sub


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="tracker", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_tracker_help_lists_each_command_in_its_own_words() -> None:
    listing = _help()
    ctx = click.Context(cli)
    for name, (_, short) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        assert short == _first_paragraph(command), name
        assert f"  {name:<10}{short}\n" in listing, name


def test_every_group_lists_all_its_commands_uncut() -> None:
    for path, command in _every_command():
        if not isinstance(command, click.Group):
            continue
        listing = _help(*path)
        for sub_name, sub in command.commands.items():
            first = _first_paragraph(sub)
            assert len(first) <= 60, (path, sub_name, "keep a command's first line short")
            assert first in " ".join(listing.split()), (path, sub_name)


def test_no_help_page_speaks_clicks_jargon() -> None:
    for path, _ in _every_command():
        text = _help(*path)
        for jargon in ("INTEGER RANGE", "x>=", "<=x", "INTEGER", "TEXT"):
            assert jargon not in text, (path, jargon)


@pytest.mark.parametrize(
    "path", [("log",), ("checkin",), ("care", "add")], ids=["log", "checkin", "care add"]
)
def test_commands_for_days_that_happened_offer_no_future_dates(path: tuple[str, ...]) -> None:
    text = " ".join(_help(*path).split())
    assert "Accepts YYYY-MM-DD, today, yesterday, 'N days ago' or -N." in text
    for offered in ("tomorrow", "in N days", "+N"):
        assert offered not in text, offered


def test_the_follow_up_takes_days_ahead() -> None:
    assert "tomorrow" in _help("session", "add")


def test_help_shows_words_for_values() -> None:
    assert "--session SESSION" in _help("log")
    assert "--max-days DAYS" in _help("protocol", "set")
    assert "tracker care remove [OPTIONS] ID" in _help("care", "remove")
    assert "tracker session show [OPTIONS] SESSION" in _help("session", "show")


@pytest.mark.new_database
@pytest.mark.sqlite_only
def test_tracker_alone_before_any_database_says_how_to_start(run: Run) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert "No database yet" in result.stdout
    assert "tracker session add --date YYYY-MM-DD --kind KIND" in result.stdout
    assert "tracker demo" in result.stdout
    assert result.stderr == ""


def test_tracker_alone_before_any_session_says_how_to_start(run: Run) -> None:
    assert run("db", "upgrade").exit_code == 0
    result = run()
    assert result.exit_code == 0, result.output
    assert f"No treatment session on or before today ({TODAY}) yet." in result.stdout
    assert "tracker session add --date YYYY-MM-DD --kind KIND" in result.stdout


def test_tracker_alone_with_data_shows_today_at_a_glance(run: Run) -> None:
    assert run("session", "add", "--date", "2026-11-14", "--follow-up", "+4").exit_code == 0
    assert run("log", "redness=5", "--date", "yesterday").exit_code == 0
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Skin recovery tracker: how side effects fade after a treatment, day by day.\n"
        "\n"
        f"Session 1: laser skin rejuvenation on 2026-11-14; today ({TODAY}) is day 10.\n"
        "Today: not logged yet. Log it with: tracker checkin\n"
        "Flags: redness persisting (warning). See: tracker status\n"
        "Follow-up: 2026-11-28 (in 4 days).\n"
        "\n"
        "Every command: tracker --help · Information, never a diagnosis.\n"
    )


def test_flags_none_is_said_only_when_no_session_has_one_open(run: Run) -> None:
    """A new session must not make the glance and the status say "none" while the one
    before still has an open flag."""
    assert run("session", "add", "--date", "2026-11-14").exit_code == 0
    assert run("log", "redness=5", "--date", "yesterday").exit_code == 0
    assert run("session", "add", "--kind", "ipl").exit_code == 0
    glance = run().stdout
    assert "Flags: redness persisting (warning, session 1). See: tracker status\n" in glance
    assert "Flags: none" not in glance
    status = run("status").stdout
    assert "Flags on session 2: none.\nStill open from earlier sessions:\n" in status
    assert "Flags: none." not in status
    # Once redness is gone, none is true.
    assert run("log", "redness=0", "--session", "1").exit_code == 0
    assert "Flags: none. See: tracker status\n" in run().stdout
    assert "Flags: none.\n" in run("status").stdout


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("lgo", "log"), ("staus", "status"), ("chekin", "checkin"), ("hisotry", "history")],
)
def test_a_mistyped_command_is_answered_with_the_closest(run: Run, typed: str, meant: str) -> None:
    result = run(typed)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: No such command {typed!r}. Did you mean {meant}? ")


def test_a_command_with_nothing_close_gets_no_guess(run: Run) -> None:
    assert "Did you mean" not in run("frobnicate").stderr
