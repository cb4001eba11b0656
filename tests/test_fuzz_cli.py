"""Arbitrary arguments to every command: never a traceback, and a refusal changes nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import TODAY, Run, State
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tracker.cli import cli
from tracker.cli.hints import EXIT_CODES
from tracker.cli.recovery_commands import FAIL_EXIT


def _leaves(
    group: click.Group, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*path, name), command  # groups run on their own too (protocol)
        if isinstance(command, click.Group):
            yield from _leaves(command, (*path, name))


# `serve` runs until Ctrl-C by design; its arguments are tested in test_web_serve.py.
COMMANDS = [leaf for leaf in _leaves(cli) if leaf[0] != ("serve",)]
OPTIONS = sorted(
    {
        opt
        for _, command in COMMANDS
        for param in command.params
        for opt in param.opts
        if opt.startswith("-")
    }
)
VALUES = [
    "1",
    "0",
    "2",
    "-3",
    "11",
    "3.5",
    "today",
    "yesterday",
    "2026-11-20",
    "2026-02-30",
    "1 day ago",
    "itching=3",
    "redness=0",
    "fever=1",
    "pruritus=12",
    "itching",
    "=",
    "laser",
    "ipl",
    "botox",
    "ice-pack",
    "other",
    "json",
    "csv",
    "fhir",
    "warning",
    "urgent",
    "I",
    "VII",
    "alice",
    "default",
    "x.png",
    "r.pdf",
    "e.json",
    "e.csv",
    "b.db",
    "",
    " ",
    "☃",
    "'; DROP TABLE entries;--",
]
SAFE_TEXT = st.text(max_size=12).filter(lambda t: "/" not in t and "\x00" not in t)
TOKENS = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(VALUES), SAFE_TEXT)


@pytest.fixture
def workdir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cwd"
    folder.mkdir()
    before = Path.cwd()
    os.chdir(folder)  # any file a command writes lands here
    yield folder
    os.chdir(before)


@settings(
    max_examples=int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(COMMANDS), st.lists(TOKENS, max_size=6))
def test_arbitrary_arguments_never_break_the_program(
    run: Run,
    state: State,
    db_url: str,
    workdir: Path,
    command: tuple[tuple[str, ...], click.Command],
    args: list[str],
) -> None:
    if run("session", "list").exit_code == 0 and "No sessions" in run("session", "list").stdout:
        assert run("session", "add", "--date", "2026-11-10").exit_code == 0
        assert run("log", "itching=3", "redness=5", "--date", "2026-11-12").exit_code == 0
    arbitrary_call(state, db_url, command[0], args)


def arbitrary_call(state: State, db_url: str, path: tuple[str, ...], args: list[str]) -> None:
    """One command with arbitrary arguments: it works, or it is refused in one line and
    changes nothing. A crash (the last resort's exit 70) is neither."""
    before = state()
    result = CliRunner().invoke(
        cli, ["--db", db_url, "--today", TODAY.isoformat(), *path, *args], input=""
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        path,
        args,
        result.exception,
    )
    assert "Traceback" not in result.output
    refused = set(EXIT_CODES.values())  # 2 malformed, 1 otherwise; never 70, a crash
    assert result.exit_code in {0, FAIL_EXIT, *refused}, (path, args, result.output)
    if result.exit_code in refused:
        assert result.stderr.startswith("Error: ") or result.stderr.startswith("Aborted"), (
            path,
            args,
            result.stderr,
        )
        assert state() == before, (path, args, result.stderr)


def test_the_fuzz_check_fails_on_an_injected_crash(
    run: Run, state: State, db_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect in every query, met by every command that reads or writes: the fuzz
    check, on its own strategies and a small fixed budget, finds it."""
    assert run("session", "add", "--date", "2026-11-10").exit_code == 0

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected defect")

    monkeypatch.setattr(Session, "execute", broken)  # every query of every store

    # Which of 30 drawn commands reach a query depends on the list of commands (argument
    # errors stop most before the database): one call that certainly reads is given too,
    # so the check is proven on a crash, not on the luck of the draw.
    status = next(leaf for leaf in COMMANDS if leaf[0] == ("status",))

    @settings(
        max_examples=30,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    @given(st.sampled_from(COMMANDS), st.lists(TOKENS, max_size=6))
    @example(status, [])
    def fuzz(command: tuple[tuple[str, ...], click.Command], args: list[str]) -> None:
        arbitrary_call(state, db_url, command[0], args)

    with pytest.raises(AssertionError, match="injected defect"):
        fuzz()
