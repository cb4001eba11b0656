"""A photo from a phone-sized browser (360 px): chosen in the check-in's file input, seen as
a thumbnail, in History, and side by side with day 0; axe-core finds no serious problem."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Chromium, Run
from photo_support import phone_jpeg
from selenium.webdriver.support.ui import WebDriverWait
from test_web_browser import AXE, REQUIRED, Page
from test_web_serve import start, stop

pytestmark = pytest.mark.skipif(
    os.environ.get("TRACKER_TEST_DATABASE_URL") is not None,
    reason="the browser story runs once, in the SQLite run",
)
WIDTH, HEIGHT = 360, 780


@pytest.fixture
def phone(db_url: str, run: Run, tmp_path: Path, chromium: Chromium) -> Iterator[Page]:
    assert run("session", "add", "--date", "2026-11-14", "--kind", "laser").exit_code == 0
    driver = chromium(WIDTH, HEIGHT)
    served = start(db_url)
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(served.url)
        yield Page(driver, served, shots, "phone")
    finally:
        if served.process.poll() is None:
            stop(served)


def _screenshot(page: Page, name: str) -> None:
    height = page.driver.execute_script("return document.documentElement.scrollHeight")
    page.driver.set_window_size(WIDTH, min(int(height) + 140, 4000))
    page.driver.save_screenshot(str(page.shots / f"photos-{WIDTH}-{name}.png"))
    page.driver.set_window_size(WIDTH, HEIGHT)


def _upload(page: Page, path: Path, date: str, note: str) -> None:
    page.open(f"/?date={date}")
    field = page.find("input#photo")
    assert field.get_attribute("accept") == "image/*"
    field.send_keys(str(path))
    page.find("input#photo-note").send_keys(note)
    page.submit("form.photo-add button[type=submit]")


def _loaded(page: Page, css: str) -> int:
    image = page.find(css)
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", image)
    WebDriverWait(page.driver, 20).until(
        lambda d: d.execute_script("return arguments[0].complete", image)
    )
    return int(page.driver.execute_script("return arguments[0].naturalWidth", image))


def test_a_photo_from_the_phone_shows_as_a_thumbnail(
    page_ok: None, phone: Page, tmp_path: Path
) -> None:
    first = tmp_path / "day0.jpg"
    first.write_bytes(phone_jpeg(1600, 1200))
    later = tmp_path / "day6.jpg"
    later.write_bytes(phone_jpeg(1200, 1600, orientation=1))
    _upload(phone, first, "2026-11-14", "left cheek")
    text = phone.text()
    assert "Photo added for 2026-11-14 (day 0)" in text
    assert _loaded(phone, "#photos ul.thumbs img") == 240  # 1600 x 1200 turned: 240 x 320
    wide = phone.driver.execute_script("return document.documentElement.scrollWidth")
    assert wide <= WIDTH, "the page scrolls sideways at 360 px"
    assert phone.axe() == []
    _screenshot(phone, "checkin")

    _upload(phone, later, "2026-11-20", "after a week")
    phone.open("/history")
    assert "2026-11-14 · day 0" in phone.text() and "2026-11-20 · day 6" in phone.text()
    assert _loaded(phone, "section.day.card ul.thumbs img") > 0
    assert phone.axe() == []

    phone.open("/photos/compare")
    figures = phone.driver.find_elements("css selector", ".side-by-side figure")
    assert [f.text for f in figures] == [
        "2026-11-14 · day 0 after session 1 · left cheek",
        "2026-11-20 · day 6 after session 1 · after a week",
    ]
    assert _loaded(phone, ".side-by-side img") > 0
    assert phone.driver.execute_script("return document.documentElement.scrollWidth") <= WIDTH
    assert phone.axe() == []
    _screenshot(phone, "compare")


@pytest.fixture
def page_ok() -> None:
    if not AXE.is_file():
        message = f"axe-core not found at {AXE}: .ci/run fetches it with `npm pack axe-core`"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
