"""Photos on the web page through Flask's test client: added from the check-in, shown in
History, side by side, removed; private and never cached; the body limit raised for that
route alone."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator

import pytest
from conftest import TODAY, Run
from photo_support import HTML_TAIL, phone_jpeg
from PIL import Image
from web_support import BASE, Browser

from tracker.domain.photos import MAX_PHOTO_BYTES
from tracker.web.photos import KEPT_THUMBNAIL
from tracker.web.security import MAX_BODY_BYTES

THUMBNAIL = re.compile(r'<img src="(/photos/(\d+)/thumbnail\?v=([0-9a-f]{16}))" loading="lazy"')


def _thumbnails(page: str) -> dict[int, str]:
    """Each thumbnail on a page by photo id: its address (with its version)."""
    return {int(found[1]): found[0] for found in THUMBNAIL.findall(page)}


@pytest.fixture
def web(db_url: str) -> Iterator[Browser]:
    browser = Browser(db_url, TODAY)
    assert browser.sign_in().status_code == 303
    yield browser
    browser.close()


def _upload(web: Browser, data: bytes, date: str = "2026-11-16", note: str = "") -> str:
    response = web.post(
        "/photos",
        {"photo": (io.BytesIO(data), "IMG_0001.JPG"), "date": date, "note": note},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/?date={date}#photos")
    return web.get(f"/?date={date}").text


def _card(cards: list[str], date: str) -> str:
    return next(c for c in cards if f'id="d-{date}"' in c)


def _photos(run: Run) -> list[dict[str, object]]:
    return list(json.loads(run("photo", "list", "--json").stdout))


def test_the_checkin_offers_the_camera_and_a_photo_shows_as_a_thumbnail(
    web: Browser, run: Run, session_id: int
) -> None:
    page = web.get("/?date=2026-11-16").text
    assert 'type="file"' in page and 'accept="image/*"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "Kept in your own database only" in page  # tracker serve: the patient's own file
    after = _upload(web, phone_jpeg(), note="left cheek")
    assert "Photo added for 2026-11-16 (day 2)" in after
    address = _thumbnails(after)[1]
    photos = _photos(run)
    assert [(p["date"], p["note"]) for p in photos] == [("2026-11-16", "left cheek")]
    thumb = web.get(address)
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.data)).size) == 320
    full = web.get("/photos/1/image")
    assert full.headers["Cache-Control"] == "no-store"
    assert b"SN-0042" not in full.data and len(Image.open(io.BytesIO(full.data)).getexif()) == 0


def test_history_shows_each_days_thumbnails_and_removes_keeping_the_record(
    web: Browser, run: Run, session_id: int
) -> None:
    _upload(web, phone_jpeg(), "2026-11-14")
    _upload(web, phone_jpeg(), "2026-11-20")
    run("log", "itching=4", "--date", "2026-11-20")
    page = web.get("/history").text
    assert "2026-11-14 · day 0" in page and "2026-11-20 · day 6" in page
    assert set(_thumbnails(page)) == {1, 2}
    # Each photo is inside its own day's card, after that day's values.
    cards = page.split('<section class="day card"')[1:]
    day0, day6 = (_card(cards, d) for d in ("2026-11-14", "2026-11-20"))
    assert set(_thumbnails(day0)) == {1} and set(_thumbnails(day6)) == {2}
    assert day6.index("Itching") < day6.index("/photos/2/thumbnail")
    removed = web.post("/photos/2/remove")
    assert removed.status_code == 303
    assert removed.headers["Location"].endswith("/history?session=1#d-2026-11-20")
    page = web.get("/history").text
    assert set(_thumbnails(page)) == {1} and "removed; its record is kept" in page
    assert web.get("/photos/2/image").status_code == 404
    listed = json.loads(run("photo", "list", "--removed", "--json").stdout)
    assert [p["removed_at"] is not None for p in listed] == [False, True]


def test_a_thumbnail_by_its_version_is_kept_by_this_browser_alone_and_a_photo_never(
    web: Browser, db_url: str, session_id: int
) -> None:
    """The thumbnail's address carries its version: asked for by it, the browser may keep
    it (private: never a shared cache); without it or with another, nothing is kept; the
    full photo and every page are never stored."""
    page = _upload(web, phone_jpeg())
    address = _thumbnails(page)[1]
    kept = web.get(address)
    assert kept.headers["Cache-Control"] == KEPT_THUMBNAIL
    assert KEPT_THUMBNAIL.startswith("private, ") and "immutable" in KEPT_THUMBNAIL
    for other in ("/photos/1/thumbnail", "/photos/1/thumbnail?v=0123456789abcdef"):
        answer = web.get(other)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        assert answer.data == kept.data
    assert web.get("/photos/1/image").headers["Cache-Control"] == "no-store"
    assert web.get("/history").headers["Cache-Control"] == "no-store"
    stranger = Browser(db_url, TODAY)  # the version is no key: no cookie, nothing served
    try:
        refused = stranger.get(address)
        assert refused.status_code == 403 and refused.headers["Cache-Control"] == "no-store"
    finally:
        stranger.close()
    web.post("/photos/1/remove")
    gone = web.get(address)
    assert gone.status_code == 404 and gone.headers["Cache-Control"] == "no-store"


def test_side_by_side_shows_day_0_and_the_latest_or_any_two_chosen(
    web: Browser, session_id: int
) -> None:
    for date in ("2026-11-14", "2026-11-17", "2026-11-20"):
        _upload(web, phone_jpeg(), date)
    page = web.get("/photos/compare").text
    assert page.index('src="/photos/1/image"') < page.index('src="/photos/3/image"')
    assert "day 0 after session" in page and "day 6 after session" in page
    chosen = web.get("/photos/compare?a=2&b=1").text
    assert chosen.index('src="/photos/2/image"') < chosen.index('src="/photos/1/image"')
    # A session that is not there (or another's): "not found" with the way on, not a crash.
    missing = web.get("/photos/compare?session=99")
    assert missing.status_code == 404
    assert "Not found" in missing.text and "See your sessions" in missing.text


def test_a_bad_photo_is_refused_in_one_line_and_nothing_is_saved(
    web: Browser, run: Run, session_id: int
) -> None:
    page = _upload(web, phone_jpeg() + HTML_TAIL)
    assert "This photo was not saved: it is not only a photo: the file also holds" in page
    page = _upload(web, b"%!PS not an image")
    assert "This photo was not saved: it is not an image" in page
    assert _photos(run) == []
    empty = web.post("/photos", {"date": "2026-11-16"}, content_type="multipart/form-data")
    assert empty.status_code == 303 and _photos(run) == []


def test_the_body_limit_is_raised_for_the_photo_route_alone(
    web: Browser, run: Run, session_id: int
) -> None:
    big = phone_jpeg(2400, 1800) + b"\x00" * (2 * MAX_BODY_BYTES)
    assert len(big) > MAX_BODY_BYTES
    too_big_for_checkin = web.post(
        "/checkin", {"date": "2026-11-16", "note": "x" * (2 * MAX_BODY_BYTES)}
    )
    assert too_big_for_checkin.status_code == 413
    page = _upload(web, big)  # trailing bytes after the JPEG's end: still a photo
    assert "Photo added" in page
    over = web.client.post(
        BASE + "/photos",
        data={
            "csrf": web.keys.csrf_token,
            "photo": (io.BytesIO(b"\x00" * (MAX_PHOTO_BYTES + 70_000)), "a.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert over.status_code == 413
    assert len(_photos(run)) == 1


def test_photos_are_served_only_to_the_signed_in_browser(
    web: Browser, db_url: str, session_id: int
) -> None:
    _upload(web, phone_jpeg())
    stranger = Browser(db_url, TODAY)  # no key cookie
    try:
        assert stranger.get("/photos/1/thumbnail").status_code == 403
        assert stranger.get("/photos/1/image").status_code == 403
    finally:
        stranger.close()
    other = web.get("/photos/99/image")
    assert other.status_code == 404


def test_the_same_day_after_each_session_side_by_side(web: Browser, run: Run) -> None:
    """Day 3 after session 1 beside day 3 after session 2: the days with photos after two
    sessions are offered, the latest by default; a session without one that day is left
    out, never shown with another day's photo."""
    run("session", "add", "--date", "2026-10-01", "--kind", "laser")
    page = web.get("/photos/compare").text
    assert "With photos after two sessions or more" in page
    for date in ("2026-10-01", "2026-10-04", "2026-10-09"):  # days 0, 3, 8 after session 1
        _upload(web, phone_jpeg(), date)
    run("session", "add", "--date", "2026-11-10", "--kind", "ipl")
    _upload(web, phone_jpeg(), "2026-11-11")  # day 1 after session 2 only
    page = web.get("/photos/compare").text
    assert "No day has a photo after two sessions yet" in page
    _upload(web, phone_jpeg(), "2026-11-13")  # day 3 after session 2
    _upload(web, phone_jpeg(), "2026-11-10")  # day 0 after session 2
    page = web.get("/photos/compare").text
    across = page[page.index('id="across"') :]
    assert re.findall(r'<option value="(\d+)"', across) == ["0", "3"]
    captions = re.findall(r"<figcaption>([^<]*)</figcaption>", across)
    assert captions == [
        "Day 3 after session 1 (2026-10-04) · laser skin rejuvenation on 2026-10-01",
        "Day 3 after session 2 (2026-11-13) · intense pulsed light (IPL, photofacial) on "
        "2026-11-10",
    ]
    chosen = web.get("/photos/compare?day=0").text
    across = chosen[chosen.index('id="across"') :]
    assert re.findall(r"<figcaption>Day (\d+) after session (\d+)", across) == [
        ("0", "1"),
        ("0", "2"),
    ]
    # A day without photos after two sessions falls back to the latest shared day.
    other = web.get("/photos/compare?day=8").text
    assert "Day 3 after session 1" in other[other.index('id="across"') :]
