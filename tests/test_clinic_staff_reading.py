"""Staff reading a patient's record read it as staff: what the patient was told is framed as
that ("The patient was told to contact the clinic now", why, from the flags' facts), never as
advice to the reader, and no page of theirs ends with the patient's footer.

On a real SQLite file, and on PostgreSQL when TRACKER_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from clinic_support import Clinic, ClinicBrowser

from tracker.domain.flags import DISCLAIMER

ANN = "ann@example.org"
DOC = "doc@clinic.example"


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    made = Clinic(db_url)
    yield made
    made.close()


def _words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _page(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _urgent_patient(clinic: Clinic) -> ClinicBrowser:
    """Blisters 3 on day 5 after IPL (urgent: a red flag), and redness 6 (a warning)."""
    ann = clinic.browser()
    assert ann.accept(clinic.invite(ANN)).status_code == 303
    ann.get("/sessions")
    assert ann.post("/sessions", {"date": "2026-11-19", "kind": "ipl"}).status_code == 303
    ann.get("/")
    sent = {"date": "2026-11-24", "value-blistering": "3", "value-redness": "6"}
    assert ann.post("/checkin", sent).status_code == 303
    return ann


def _staff(clinic: Clinic) -> ClinicBrowser:
    doc = clinic.browser()
    assert doc.enrol_staff(clinic.add_staff(DOC), DOC).status_code == 200
    return doc


def _patient_id(clinic: Clinic) -> int:
    with clinic.database.reading() as store:
        return {e: pid for pid, e in store.patient_emails().items()}[ANN]


def test_staff_read_what_the_patient_was_told_not_advice_to_them(clinic: Clinic) -> None:
    ann = _urgent_patient(clinic)
    doc = _staff(clinic)
    page = _page(doc.get(f"/clinic/patients/{_patient_id(clinic)}/"))
    box = re.search(r'<section class="urgent".*?</section>', page, re.S)
    assert box is not None
    said = _words(box.group(0))
    assert said.startswith("Urgent: the patient was told to contact the clinic now"), said
    assert "Why: Blisters logged on day 5 (3/10)." in said, said
    # The patient's own advice is there, quoted, behind "What the patient was told" ...
    told = re.search(r'<details class="told">(.*?)</details>', box.group(0), re.S)
    assert told is not None and "111" in told.group(1)
    assert _words(told.group(1)).startswith("What the patient was told “Contact your")
    # ... and nowhere else on the page: nothing tells the reader to contact their clinic.
    outside = _words(page.replace(told.group(0), ""))
    assert "111" not in outside and "Contact your clinic now" not in outside, outside
    assert "contact your clinic or skin specialist" not in outside  # the patient's footer
    assert DISCLAIMER not in _words(page)
    assert "The patient was told: “" in outside  # the warning's advice, framed
    # The patient's own page says it to her, as before.
    own = _words(_page(ann.get("/status")))
    assert "Contact your clinic now" in own and "111" in own and DISCLAIMER in own
    assert "The patient was told" not in own


def test_no_staff_page_ends_with_the_patients_footer(clinic: Clinic) -> None:
    _urgent_patient(clinic)
    doc = _staff(clinic)
    record = f"/clinic/patients/{_patient_id(clinic)}"
    paths = [
        "/clinic",
        "/clinic/audit",
        "/clinic/invite",
        "/account/password",
        "/account/recovery-codes",
        *(record + p for p in ("/", "/chart", "/history", "/views", "/photos/compare")),
    ]
    for path in paths:
        answer = doc.get(path)
        assert answer.status_code == 200, path
        assert DISCLAIMER not in _words(_page(answer)), path
    # Signed out (a patient may be about to sign in), the footer stays.
    assert DISCLAIMER in _words(_page(clinic.browser().get("/sign-in")))
