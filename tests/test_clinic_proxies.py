"""Behind a proxy with no proxy trusted (TRACKER_TRUSTED_PROXIES=0, the app factory's
default), every browser has the proxy's address: one stranger's wrong sign-ins would pause
signing in for the whole clinic. The app says so in its log at the first forwarded request;
`tracker clinic serve`, which listens on loopback only, trusts one proxy unless told."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from clinic_support import PUBLIC_URL, SECRET, Clinic

from tracker.domain.account_words import AccountWords
from tracker.services.clinic_settings import read_settings
from tracker.web.clinic_server import clinic_settings, trusting

WARNED = "TRACKER_TRUSTED_PROXIES is 0"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "tracker.clinic"]


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
def test_a_forwarded_request_with_no_proxy_trusted_is_said_once_in_the_log(
    db_url: str, caplog: pytest.LogCaptureFixture, header: str
) -> None:
    clinic = Clinic(db_url)
    try:
        client = clinic.app().test_client()
        with caplog.at_level(logging.WARNING, logger="tracker.clinic"):
            assert client.get(PUBLIC_URL + "/sign-in").status_code == 200
            assert _warnings(caplog) == []  # a request straight from a browser: nothing said
            value = "for=203.0.113.5" if header == "Forwarded" else "203.0.113.5"
            for _ in range(3):
                page = client.get(PUBLIC_URL + "/sign-in", headers={header: value})
                assert page.status_code == 200  # answered as any other
        (said,) = _warnings(caplog)
        assert said == AccountWords.PROXY_NOT_TRUSTED.format(header=header, address="127.0.0.1")
        assert "set TRACKER_TRUSTED_PROXIES=1" in said and "203.0.113.5" not in said
    finally:
        clinic.close()


def test_with_a_proxy_trusted_nothing_is_said(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clinic = Clinic(db_url, trusted_proxies=1)
    try:
        client = clinic.app().test_client()
        with caplog.at_level(logging.WARNING, logger="tracker.clinic"):
            headers = {"X-Forwarded-For": "203.0.113.5"}
            assert client.get(PUBLIC_URL + "/sign-in", headers=headers).status_code == 200
        assert _warnings(caplog) == []
    finally:
        clinic.close()


BASE = {"TRACKER_SECRET_KEY": SECRET, "TRACKER_PUBLIC_URL": PUBLIC_URL, "TRACKER_CONFIG": ""}


def test_clinic_serve_trusts_one_proxy_unless_the_settings_say(tmp_path: Path) -> None:
    url = "sqlite:///" + str(tmp_path / "clinic.db")

    def served(env: dict[str, str]) -> int:
        settings, _ = clinic_settings(env, url, "127.0.0.1", 8000)
        return trusting(env, settings).trusted_proxies

    assert served(BASE) == 1
    for given in ("0", "2"):
        assert served({**BASE, "TRACKER_TRUSTED_PROXIES": given}) == int(given)
    settings_file = tmp_path / "clinic.toml"
    settings_file.write_text("trusted_proxies = 0\n")
    assert served({**BASE, "TRACKER_CONFIG": str(settings_file)}) == 0
    # The app factory (what gunicorn runs in production) keeps believing none by default.
    assert read_settings({**BASE, "TRACKER_DB": url}).trusted_proxies == 0
