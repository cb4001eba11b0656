""" "Forgotten your password?" on the sign-in page, against a real SMTP server (aiosmtpd).

One answer, byte for byte, whether or not an account has the address, given before the
account is even looked up (the link is made and e-mailed after the answer, on a thread);
counted in the database per address typed and per network address, across app processes;
the link is the one-time kind (72 h, a newer one spends the older); a staff member who
resets still gives their second factor. Without e-mail settings: ask the clinic."""

from __future__ import annotations

import html
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage

import pytest
from clinic_support import PASSWORD, Clinic, ClinicBrowser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_support import Mailbox, free_port

from tracker.domain.accounts import MAX_RESETS_PER_ADDRESS, MAX_RESETS_PER_EMAIL
from tracker.services import audit

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
ANN = "ann@example.org"
DOC = "doc@example.org"
NEW_PASSWORD = "a brand new passphrase"
TOKEN = re.compile(r"http://127\.0\.0\.1:\d+/welcome/([A-Za-z0-9_-]{43})")


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with Mailbox.running() as running:
        yield running


@pytest.fixture
def clinic(db_url: str, box: Mailbox) -> Iterator[Clinic]:
    made = Clinic(db_url, mail=box.settings())
    yield made
    _settle(made)  # no send left running past the test
    made.close()


def _settle(clinic: Clinic) -> None:
    """Until every app instance has done what it does after its answers."""
    for app in clinic.apps:
        app.extensions["tracker.outbox"].wait()


def _ask(browser: ClinicBrowser, email: str) -> tuple[int, bytes, list[tuple[str, str]]]:
    response = browser.form_post("/forgotten", {"email": email})
    return response.status_code, response.get_data(), sorted(response.headers.items())


def _token(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    found = TOKEN.search(str(part.get_content()))  # type: ignore[attr-defined]
    assert found is not None
    return found.group(1)


def _events(clinic: Clinic) -> list[str]:
    with clinic.database.reading() as store:
        return [f"{e.actor_role}: {e.what} [{e.outcome}]" for e in audit.listed(store)]


def _patient(clinic: Clinic) -> None:
    assert clinic.browser().accept(clinic.invite(ANN)).status_code == 303


def test_known_and_unknown_addresses_get_the_same_bytes_and_only_the_known_an_e_mail(
    clinic: Clinic, box: Mailbox
) -> None:
    _patient(clinic)
    someone = clinic.browser()
    known = _ask(someone, ANN)
    unknown = _ask(someone, "nobody@example.org")
    assert known == unknown
    status, body, _ = known
    assert status == 200
    assert b"If an account exists for that address, we have sent a link" in body
    assert ANN.encode() not in body
    _settle(clinic)
    (message,) = box.wait_for(1)
    assert message["To"] == ANN and "a link to set a new password" in message["Subject"]
    assert box.handler.envelopes[0][1] == [ANN]


def test_the_e_mailed_link_sets_a_new_password_once(clinic: Clinic, box: Mailbox) -> None:
    _patient(clinic)
    _ask(clinic.browser(), ANN)
    _settle(clinic)
    token = _token(box.wait_for(1)[0])
    ann = clinic.browser()
    page = ann.get(f"/welcome/{token}").get_data(as_text=True)
    assert "consent" not in page.lower()  # agreed already: not asked again
    accepted = ann.accept(token, NEW_PASSWORD, agree=False)
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/"
    assert clinic.browser().sign_in(ANN, PASSWORD).status_code == 401
    assert clinic.browser().sign_in(ANN, NEW_PASSWORD).status_code == 303
    assert clinic.browser().get(f"/welcome/{token}").status_code == 404  # once
    events = _events(clinic)
    assert f"public: link for {ANN} [allowed]" in events
    assert f"public: link e-mailed to {ANN} [allowed]" in events
    assert not any(token in event for event in events)
    who_looked = html.unescape(ann.get("/record-views").get_data(as_text=True))
    assert 'someone not signed in ("Forgotten your password?")' in who_looked


def test_a_newer_link_spends_the_older(clinic: Clinic, box: Mailbox) -> None:
    _patient(clinic)
    _ask(clinic.browser(), ANN)
    _settle(clinic)
    _ask(clinic.browser(), ANN)
    _settle(clinic)
    first, second = (_token(m) for m in box.wait_for(2))
    assert clinic.browser().get(f"/welcome/{first}").status_code == 404
    assert clinic.browser().get(f"/welcome/{second}").status_code == 200


def test_a_staff_member_who_resets_still_gives_the_second_factor(
    clinic: Clinic, box: Mailbox
) -> None:
    clinic.browser().enrol_staff(clinic.add_staff(DOC), DOC)
    secret = clinic.totp_secret(DOC)
    _ask(clinic.browser(), DOC)
    _settle(clinic)
    doc = clinic.browser()
    accepted = doc.accept(_token(box.wait_for(1)[0]), NEW_PASSWORD, agree=False)
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/code"
    assert doc.get("/clinic").status_code == 303  # not in before the code
    assert clinic.totp_secret(DOC) == secret  # the same authenticator, not a new enrolment
    assert doc.give_code(DOC, steps_later=1).status_code == 303
    assert doc.get("/clinic").status_code == 200


def test_the_limits_are_counted_in_the_database_across_processes(
    clinic: Clinic, box: Mailbox
) -> None:
    _patient(clinic)
    first, second = clinic.browser(), clinic.browser()  # two app instances, one database
    answers = {_ask((first, second)[i % 2], ANN)[:2] for i in range(MAX_RESETS_PER_EMAIL + 2)}
    assert len(answers) == 1  # the same answer past the limit too
    _settle(clinic)
    time.sleep(0.5)
    assert len(box.messages) == MAX_RESETS_PER_EMAIL
    clinic.clock.advance(hours=1, seconds=1)  # the window has passed
    _ask(first, ANN)
    _settle(clinic)
    assert len(box.wait_for(MAX_RESETS_PER_EMAIL + 1)) == MAX_RESETS_PER_EMAIL + 1


def test_one_network_address_asking_for_many_addresses_is_limited(
    clinic: Clinic, box: Mailbox
) -> None:
    _patient(clinic)
    prober = clinic.browser()
    for n in range(MAX_RESETS_PER_ADDRESS):
        _ask(prober, f"someone{n}@example.org")
    _ask(prober, ANN)  # over the limit for this network address: no e-mail
    _settle(clinic)
    assert box.messages == []
    elsewhere = clinic.browser()
    _ask(elsewhere, ANN)
    _settle(clinic)
    assert box.messages == []  # the test client is one address: still over
    clinic.clock.advance(hours=1, seconds=1)
    _ask(elsewhere, ANN)
    _settle(clinic)
    assert len(box.wait_for(1)) == 1


def test_a_disabled_account_gets_no_link_and_the_refusal_is_audited(
    clinic: Clinic, box: Mailbox
) -> None:
    from tracker.services import accounts

    _patient(clinic)
    with clinic.database.writing() as store:
        accounts.disable(store, ANN, clinic.clock())
    _ask(clinic.browser(), ANN)
    _settle(clinic)
    assert box.messages == []
    assert f"public: link for {ANN} refused: account disabled [refused]" in _events(clinic)


def test_not_an_address_is_said_and_not_counted(clinic: Clinic) -> None:
    asked = clinic.browser().form_post("/forgotten", {"email": "not an address"})
    assert asked.status_code == 400
    assert "That is not an e-mail address." in asked.get_data(as_text=True)


def test_without_e_mail_settings_the_page_says_ask_the_clinic(db_url: str) -> None:
    clinic = Clinic(db_url)
    try:
        someone = clinic.browser()
        page = someone.get("/forgotten").get_data(as_text=True)
        assert "Ask your clinic for a new link" in page and 'name="email"' not in page
        someone.get("/sign-in")  # a form's CSRF token: the page itself has no form
        posted = someone.post("/forgotten", {"email": ANN})
        assert posted.status_code == 200
        assert "Ask your clinic for a new link" in posted.get_data(as_text=True)
    finally:
        clinic.close()


def test_the_answer_does_not_wait_for_the_e_mail_server(db_url: str, box: Mailbox) -> None:
    """A server that takes the connection and never answers: the send waits (up to its
    timeout) on the outbox's thread, and the page answers at once, as for nobody."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", free_port()))
    silent.listen(8)  # connections wait in the backlog: no greeting ever comes
    port = silent.getsockname()[1]
    clinic = Clinic(db_url, mail=replace(box.settings(), port=port))
    try:
        _patient(clinic)
        someone = clinic.browser()
        someone.get("/forgotten")
        timings: dict[str, list[float]] = {ANN: [], "nobody@example.org": []}
        for _ in range(MAX_RESETS_PER_EMAIL):
            for email in timings:
                start = time.perf_counter()
                someone.post("/forgotten", {"email": email})
                timings[email].append(time.perf_counter() - start)
        assert max(timings[ANN]) < 3  # the send's timeout is 20 s: not waited for
    finally:
        silent.close()  # the waiting connections are reset: the sends end
        _settle(clinic)
        clinic.close()
    events = _events(clinic)
    assert any("link e-mail to ann@example.org not sent" in event for event in events)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(typed=st.text(max_size=300) | st.emails().map(lambda e: e[:254]))
def test_any_text_typed_gets_the_one_answer_or_not_an_address(clinic: Clinic, typed: str) -> None:
    someone = clinic.browser(clinic.apps[0] if clinic.apps else None)
    asked = someone.form_post("/forgotten", {"email": typed})
    page = asked.get_data(as_text=True)
    if asked.status_code == 400:
        assert "That is not an e-mail address." in page
    else:
        assert asked.status_code == 200 and "If an account exists for that address" in page
    clinic.clock.advance(hours=2)  # no limit carried into the next example


@pytest.mark.slow
def test_gunicorn_workers_send_the_link_after_answering(
    db_url: str, box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole way in real processes: `tracker clinic serve --workers 2` (gunicorn), the
    e-mail settings from the environment, the send on a worker's thread after its answer."""
    import datetime as dt

    from test_clinic_serve import Patient, Server

    from tracker.services import accounts
    from tracker.services.databases import Database, locate

    database = Database(locate(db_url))
    with database.writing() as store:
        accounts.invite_patient(store, ANN, dt.datetime.now(dt.UTC))
    database.dispose()
    for name, value in {
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(box.port),
        "TRACKER_SMTP_TLS": "none",
        "TRACKER_MAIL_FROM": "Riverside Clinic <tracker@clinic.example>",
    }.items():
        monkeypatch.setenv(name, value)
    port = free_port()
    server = Server(db_url, port, f"http://127.0.0.1:{port}", "--workers", "2")
    try:
        server.wait()
        someone = Patient(f"127.0.0.1:{port}")
        someone.request(port, "GET", "/forgotten")
        status, _, page = someone.request(port, "POST", "/forgotten", {"email": ANN})
        assert status == 200 and "If an account exists for that address" in page
        (message,) = box.wait_for(1, timeout=60)
        assert message["To"] == ANN
        assert someone.request(port, "GET", f"/welcome/{_token(message)}")[0] == 200
    finally:
        out = server.stop()
    assert "Traceback" not in out
