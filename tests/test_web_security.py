"""`tracker serve` is private by default: every refusal the issue lists, one test each."""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run, State
from web_support import BASE, PORT, Browser

from tracker.web.security import MAX_BODY_BYTES, allowed_hosts

PAGES = [
    "/",
    "/status",
    "/chart",
    "/chart.svg",
    "/history",
    "/sessions",
    "/report",
    "/report.pdf",
    "/export/json",
    "/static/style.css",
    "/sessions/1",
    "/photos/compare",
    "/photos/1/thumbnail",
    "/photos/1/image",
]
WRITES = [
    "/checkin",
    "/sessions",
    "/sessions/1",
    "/history/value",
    "/history/undo",
    "/sessions/1/delete",
    "/photos",
    "/photos/1/remove",
    "/profile",
    "/profiles",
]


@pytest.fixture
def browser(db_url: str) -> Iterator[Browser]:
    found = Browser(db_url, TODAY)
    yield found
    found.close()


@pytest.fixture
def signed_in(browser: Browser, session_id: int) -> Browser:
    assert browser.sign_in().status_code == 303
    return browser


def test_without_the_key_every_page_and_write_is_refused(browser: Browser, run: Run) -> None:
    run("session", "add", "--date", "2026-11-20")
    for path in PAGES:
        response = browser.get(path)
        assert response.status_code == 403, path
        assert "printed in the terminal where you started it" in response.text
    for path in WRITES:
        assert browser.post(path, {"date": "today"}).status_code == 403, path


def test_the_key_is_exchanged_for_a_strict_httponly_cookie(browser: Browser) -> None:
    response = browser.sign_in()
    assert response.status_code == 303
    assert response.headers["Location"] == "/"  # the key leaves the address bar
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"tracker-key-{PORT}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert browser.keys.token not in cookie
    assert browser.get("/sessions").status_code == 200


def test_a_wrong_key_or_a_wrong_cookie_is_refused(browser: Browser) -> None:
    assert browser.get("/?token=guess").status_code == 403
    browser.client.set_cookie(f"tracker-key-{PORT}", "guess", domain="127.0.0.1")
    assert browser.get("/sessions").status_code == 403
    assert browser.get(f"/?token={browser.keys.token[:-1]}x").status_code == 403


def test_a_host_header_other_than_the_address_served_is_refused(signed_in: Browser) -> None:
    # DNS rebinding: evil.example resolving to 127.0.0.1 still says Host: evil.example.
    for host in (f"evil.example:{PORT}", "127.0.0.1:9999", "localhost"):
        response = signed_in.get("/status", headers={"Host": host})
        assert response.status_code == 403, host
    response = signed_in.client.get(f"http://evil.example:{PORT}/?token={signed_in.keys.token}")
    assert response.status_code == 403
    # The loopback aliases of the address served are fine (each holds its own cookie).
    local = f"http://localhost:{PORT}"
    assert signed_in.client.get(f"{local}/?token={signed_in.keys.token}").status_code == 303
    assert signed_in.client.get(f"{local}/status").status_code == 200


def test_allowed_hosts_name_the_port_and_loopback_aliases() -> None:
    assert allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert allowed_hosts("192.0.2.7", 80) == {"192.0.2.7:80"}


def test_a_write_without_or_with_a_wrong_csrf_token_changes_nothing(
    signed_in: Browser, state: State
) -> None:
    before = state()
    form = {"date": TODAY.isoformat(), "value-itching": "3"}
    assert signed_in.client.post(f"{BASE}/checkin", data=form).status_code == 403
    assert signed_in.post("/checkin", {**form, "csrf": "0" * 64}).status_code == 403
    assert state() == before
    assert signed_in.post("/checkin", form).status_code == 303


def test_a_write_from_another_origin_is_refused(signed_in: Browser, state: State) -> None:
    before = state()
    form = {"date": TODAY.isoformat(), "value-itching": "3"}
    response = signed_in.post("/checkin", form, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert state() == before
    same = signed_in.post("/checkin", form, headers={"Origin": BASE})
    assert same.status_code == 303


def test_a_body_over_the_limit_is_refused_and_changes_nothing(
    signed_in: Browser, state: State
) -> None:
    before = state()
    form = {"date": TODAY.isoformat(), "value-itching": "3", "note": "x" * (MAX_BODY_BYTES + 1)}
    assert signed_in.post("/checkin", form).status_code == 413
    assert state() == before


def test_pages_carry_a_strict_content_security_policy(signed_in: Browser) -> None:
    response = signed_in.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    # No third-party asset: every script and stylesheet is the page's own.
    assert "http" not in "".join(
        line for line in response.text.splitlines() if "<script" in line or "<link" in line
    )


def test_nothing_about_the_patient_reaches_the_logs(
    signed_in: Browser, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_note = "rash-behind-left-ear-7431"
    form = {"date": TODAY.isoformat(), "value-blistering": "4", "note": secret_note}
    assert signed_in.post("/checkin", form).status_code == 303
    assert signed_in.get("/status").status_code == 200
    assert signed_in.get("/history").status_code == 200

    # An unexpected failure is logged by its kind, never by its text (which can hold data).
    from tracker.services import recovery

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom with {secret_note}")

    monkeypatch.setattr(recovery, "status_page", broken)
    response = signed_in.get("/status")
    assert response.status_code == 500
    assert secret_note not in response.text
    assert "RuntimeError" in caplog.text
    for word in (secret_note, "blistering", signed_in.keys.token):
        assert word not in caplog.text


def test_every_form_that_writes_carries_the_csrf_token(signed_in: Browser, run: Run) -> None:
    run("log", "itching=3")
    token = signed_in.keys.csrf_token
    forms = 0
    for path in ("/", "/sessions", "/sessions/1", "/history"):
        page = signed_in.get(path).text
        for form in page.split("<form")[1:]:
            if 'method="post"' in form.split(">")[0]:
                forms += 1
                assert f'<input type="hidden" name="csrf" value="{token}">' in form, path
    assert forms >= 6


@pytest.mark.parametrize(
    "path",
    [
        "/%09/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "/%5C/evil.example",
        "/%0D%0ALocation:%20http://evil.example",
        "/%0A/evil.example",
        "/ /evil.example",
        "/%2F%2Fevil.example",
        "/https://evil.example",
    ],
)
def test_the_key_exchange_redirects_only_to_the_trackers_own_pages(
    browser: Browser, path: str
) -> None:
    response = browser.get(f"{path}?token={browser.keys.token}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" in response.headers


def test_the_key_exchange_keeps_the_page_asked_for(browser: Browser, session_id: int) -> None:
    response = browser.get(f"/sessions/{session_id}?token={browser.keys.token}")
    assert response.headers["Location"] == f"/sessions/{session_id}"
    assert browser.get("/status").status_code == 200


def test_control_characters_in_a_path_are_a_404_not_a_500(signed_in: Browser) -> None:
    for path in ("/%0D%0A", "/sessions/%0D%0AX", "/%00", "/history%0D%0A"):
        assert signed_in.get(path).status_code == 404, path


def test_a_form_with_thousands_of_fields_is_refused_at_once(
    signed_in: Browser, state: State
) -> None:
    before = state()
    body = "&".join(["care=ice-pack"] * 4500 + [f"csrf={signed_in.keys.csrf_token}"])
    assert len(body) < MAX_BODY_BYTES
    started = time.perf_counter()
    response = signed_in.client.post(
        f"{BASE}/checkin",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 413
    assert "Too many fields" in response.text
    assert state() == before
    # A real check-in, every box ticked, is far below the limit.
    full = {"date": "today", "care": ["ice-pack", "moisturiser"], "value-redness": "3"}
    assert signed_in.post("/checkin", full).status_code == 303


PROFILE_COOKIE = f"tracker-profile-{PORT}"


def _shown_profile(browser: Browser) -> str:
    """Whose data the page shows, as its header says ("default" when it names nobody)."""
    found = re.search(r'<span class="who">· ([^<]*)</span>', browser.get("/status").text)
    return html.unescape(found.group(1)) if found else "default"


def _set_profile_cookie(browser: Browser, value: str) -> None:
    browser.client.set_cookie(PROFILE_COOKIE, value, domain="127.0.0.1", path="/")


def test_a_profile_cookie_set_by_another_page_is_ignored_with_a_clear_page(
    signed_in: Browser, run: Run, state: State
) -> None:
    """Cookies ignore ports: a server on another local port sets tracker-profile-PORT."""
    assert run("profile", "add", "bob").exit_code == 0
    before = state()
    for forged in ("bob", "default", "nobody", "x.y", "bob." + "0" * 64, ""):
        _set_profile_cookie(signed_in, forged)
        write = signed_in.post("/checkin", {"date": "today", "value-redness": "4"})
        assert write.status_code == 409, forged
        words = " ".join(write.text.split())
        assert "no longer valid" in words and "Nothing was shown or saved" in words
        assert f"{PROFILE_COOKIE}=;" in write.headers["Set-Cookie"]  # dropped
        assert state() == before
        _set_profile_cookie(signed_in, forged)
        assert signed_in.get("/history").status_code == 409
    # Dropped, the page goes on with the profile serve was given.
    signed_in.client.delete_cookie(PROFILE_COOKIE, domain="127.0.0.1", path="/")
    assert signed_in.get("/status").status_code == 200


def test_a_chosen_profile_follows_a_rename_on_every_page(signed_in: Browser, run: Run) -> None:
    assert run("profile", "add", "bob").exit_code == 0
    assert signed_in.post("/profile", {"profile": "bob"}).status_code == 303
    assert _shown_profile(signed_in) == "bob"
    # Renamed on the command line while the page is open: the choice follows the person.
    assert run("profile", "edit", "bob", "--name", "robert").exit_code == 0
    for path in ("/", "/status", "/history", "/chart", "/sessions", "/report"):
        response = signed_in.get(path)
        assert response.status_code == 200, path
    assert _shown_profile(signed_in) == "robert"
    # Someone new given the old name is not robert.
    assert run("profile", "add", "bob").exit_code == 0
    assert _shown_profile(signed_in) == "robert"


def test_a_profile_cookie_from_an_earlier_start_is_ignored(db_url: str, run: Run) -> None:
    assert run("profile", "add", "bob").exit_code == 0
    first = Browser(db_url, TODAY)
    first.sign_in()
    chosen = first.post("/profile", {"profile": "bob"})
    cookie = chosen.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    first.close()
    again = Browser(db_url, TODAY)  # a new start: a new secret
    try:
        again.sign_in()
        _set_profile_cookie(again, cookie)
        assert again.get("/status").status_code == 409
        assert again.get("/status").status_code == 200  # dropped: the default profile
        assert _shown_profile(again) == "default"
    finally:
        again.close()
