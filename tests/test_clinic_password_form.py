"""Every form that asks for a password is made from one macro (templates/_password.html):
the same limits, the same password-manager help, the same error wiring on each page.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clinic_support import Clinic

from tracker.domain.accounts import MAX_PASSWORD, MIN_PASSWORD

TEMPLATES = Path(__file__).resolve().parents[1] / "tracker" / "web" / "templates"
DOC = "doc@clinic.example"
ANN = "ann@example.org"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


class _Inputs(HTMLParser):
    """The page's inputs and the ids its labels name."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        elif tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))


def _inputs(html: str) -> _Inputs:
    parser = _Inputs()
    parser.feed(html)
    return parser


def test_no_template_but_the_macro_writes_a_password_field() -> None:
    writing = sorted(
        path.name for path in TEMPLATES.glob("*.html") if 'type="password"' in path.read_text()
    )
    assert writing == ["_password.html"]


def _check(html: str, wanted: dict[str, str]) -> None:
    page = _inputs(html)
    fields = {str(i["name"]): i for i in page.inputs if i.get("type") == "password"}
    assert {name: field["autocomplete"] for name, field in fields.items()} == wanted
    for name, field in fields.items():
        assert field["id"] == name and name in page.labelled
        assert field["maxlength"] == str(MAX_PASSWORD) and "required" in field
        new = field["autocomplete"] == "new-password" and name == "password"
        assert field.get("minlength") == (str(MIN_PASSWORD) if new else None)
    usernames = [i for i in page.inputs if i.get("autocomplete") == "username"]
    assert len(usernames) == 1  # the address a password manager files the password under


def test_each_password_form_has_the_same_fields_limits_and_labels(clinic: Clinic) -> None:
    anon = clinic.browser()
    _check(anon.get("/sign-in").get_data(as_text=True), {"password": "current-password"})
    welcome = anon.get(f"/welcome/{clinic.invite(ANN)}").get_data(as_text=True)
    _check(welcome, {"password": "new-password", "repeated": "new-password"})
    assert "The same password again" in welcome
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(DOC), DOC).status_code == 200
    _check(
        doc.get("/account/password").get_data(as_text=True),
        {"current": "current-password", "password": "new-password", "repeated": "new-password"},
    )
    _check(
        doc.get("/account/recovery-codes").get_data(as_text=True),
        {"current": "current-password"},
    )


def test_a_wrong_password_is_tied_to_its_field(clinic: Clinic) -> None:
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(DOC), DOC).status_code == 200
    answer = doc.form_post(
        "/account/password",
        {"current": "not my password at all", "password": "x" * 20, "repeated": "x" * 20},
    )
    html = answer.get_data(as_text=True)
    wired = re.search(r'<input type="password" id="(\w+)"[^>]*aria-invalid="true"', html)
    assert wired is not None, html
    assert f'id="{wired.group(1)}-error"' in html
