"""Arbitrary form values on every page that writes: never a 500, and a refusal changes nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run, State
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from web_support import Browser

WRITES = [
    "/checkin",
    "/sessions",
    "/sessions/1",
    # Its edit page again (the box is never ticked: "yes" is not drawn, session 1 stays).
    "/sessions/1/delete",
    "/photos/1/remove",
    "/history/value",
    "/history/value/remove",
    "/history/care/remove",
    "/profile",
    "/profiles",
]
FIELDS = [
    "date",
    "value-itching",
    "value-blistering",
    "extra",
    "extra-value",
    "care",
    "note",
    "kind",
    "area",
    "follow_up",
    "session",
    "symptom",
    "severity",
    "name",
    "skin_type",
    "profile",
    "confirm",
]
VALUES = [
    "",
    " ",
    "0",
    "3",
    "10",
    "11",
    "-1",
    "3.5",
    "today",
    "yesterday",
    "tomorrow",
    "2026-11-20",
    "2026-02-30",
    "2026-11-01",
    "itching",
    "fever",
    "hair",
    "ice-pack",
    "other",
    "laser",
    "botox",
    "III",
    "VII",
    "default",
    "alice",
    "1",
    "99",
    "x" * 300,
    "☃",
    "'; DROP TABLE entries;--",
    "<script>alert(1)</script>",
    "\x00",
]
FORMS = st.dictionaries(
    st.sampled_from(FIELDS), st.one_of(st.sampled_from(VALUES), st.text(max_size=20)), max_size=6
)


@pytest.fixture
def web(db_url: str, run: Run) -> Iterator[Browser]:
    run("session", "add", "--date", "2026-11-14", "--kind", "laser")
    run("log", "itching=3", "--date", "2026-11-20")
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


@settings(
    max_examples=int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.sampled_from(WRITES), FORMS)
def test_arbitrary_forms_are_saved_or_refused_never_broken(
    web: Browser, state: State, path: str, form: dict[str, str]
) -> None:
    arbitrary_form(web, state, path, form)


def arbitrary_form(web: Browser, state: State, path: str, form: dict[str, str]) -> None:
    """One form post: saved (303), or refused (400, 404, 409) changing nothing; never a 500."""
    before = state()
    response = web.post(path, form)
    # 409: a conflict (a profile of that name exists already), refused like any other.
    assert response.status_code in (303, 400, 404, 409), (path, form, response.status_code)
    assert "<script>alert" not in response.text  # typed text is shown escaped
    if response.status_code != 303 and path != "/profile":
        assert state() == before, (path, form)


def test_the_fuzz_check_fails_on_an_injected_crash(
    web: Browser, state: State, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect in every query, met by every page that writes: the web's last resort
    answers 500, and the fuzz check, on its own strategies and a small budget, finds it."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected defect")

    monkeypatch.setattr(Session, "execute", broken)  # every query of every store

    @settings(max_examples=20, derandomize=True, database=None, phases=[Phase.generate])
    @given(st.sampled_from(WRITES), FORMS)
    def fuzz(path: str, form: dict[str, str]) -> None:
        arbitrary_form(web, state, path, form)

    with pytest.raises(AssertionError, match="500"):
        fuzz()
