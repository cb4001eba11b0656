"""Every page a signed-in patient sees names whose record it is, the error pages too: the
413 page ("larger than 64 KB") and a 404 lost the header's "· <account>" (fresh eyes 3,
F12)."""

from __future__ import annotations

import re

from clinic_support import PUBLIC_URL, Clinic

ANN = "ann@example.org"
WHO = re.compile(r'<span class="who">· ([^<]+)</span>')


def test_the_error_pages_keep_the_patients_header(db_url: str) -> None:
    clinic = Clinic(db_url)
    try:
        ann = clinic.browser()
        ann.accept(clinic.invite(ANN))
        (shown,) = WHO.findall(ann.get("/status").get_data(as_text=True))
        ann.get("/")
        huge = ann.post("/checkin", {"date": "2026-11-24", "note": "é" * 40_000})
        assert huge.status_code == 413
        assert WHO.findall(huge.get_data(as_text=True)) == [shown]
        missing = ann.get("/no-such-page")
        assert missing.status_code == 404
        assert WHO.findall(missing.get_data(as_text=True)) == [shown]
        # Signed out, nobody's record is named.
        stranger = clinic.app().test_client()
        page = stranger.get(PUBLIC_URL + "/sign-in").get_data(as_text=True)
        assert WHO.findall(page) == []
    finally:
        clinic.close()
