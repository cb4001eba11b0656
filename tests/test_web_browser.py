"""The patient's fortnight in a real browser: Debian's chromium driven by Selenium.

Phone (390 px wide) and desktop sizes; screenshots of each step land in
TRACKER_SCREENSHOTS (default: the test's tmp folder); axe-core must find no serious or
critical accessibility problem on any page. The tests fetch axe-core themselves, once, with
`npm pack` into .cache/axe/ (or read TRACKER_AXE_JS). Without Chromium, its driver or npm these
tests are skipped with the reason; with TRACKER_REQUIRE_BROWSER=1 (as .ci/run sets) they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMEDRIVER, CHROMIUM, POSTGRES_URL, Chromium, Run
from pypdf import PdfReader
from test_web_serve import Served, start, stop

CHECKOUT = Path(__file__).resolve().parents[1]
AXE_VERSION = "4.14.1"  # the axe-core whose rules the pages are held to
AXE = Path(
    os.environ.get("TRACKER_AXE_JS", CHECKOUT / ".cache" / "axe" / AXE_VERSION / "axe.min.js")
)
REQUIRED = os.environ.get("TRACKER_REQUIRE_BROWSER") == "1"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() or shutil.which(path)):
            return f"{path} not found: `apt-get install chromium chromium-driver` to run them"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed: pip install '.[test]'"
    if not AXE.is_file() and "TRACKER_AXE_JS" not in os.environ and not shutil.which("npm"):
        return "npm not found, which fetches axe-core: `apt-get install npm` to run them"
    return None


def fetch_axe() -> None:
    """axe-core from the npm registry into .cache/axe/VERSION/, once per checkout."""
    if AXE.is_file():
        return
    assert "TRACKER_AXE_JS" not in os.environ, f"TRACKER_AXE_JS: no file at {AXE}"
    AXE.parent.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=AXE.parent.parent) as scratch:
        packed = subprocess.run(
            ["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent"],
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert packed.returncode == 0, f"npm pack axe-core@{AXE_VERSION}: {packed.stderr}"
        with tarfile.open(Path(scratch) / f"axe-core-{AXE_VERSION}.tgz") as archive:
            archive.extractall(scratch, filter="data")
        try:
            os.replace(Path(scratch) / "package", AXE.parent)
        except OSError:
            assert AXE.is_file(), f"cannot put axe-core at {AXE.parent}"  # a rival run did


_reason = _missing()
if _reason is not None:
    if REQUIRED:
        raise RuntimeError(f"Browser tests required (TRACKER_REQUIRE_BROWSER=1): {_reason}")
    pytest.skip(f"browser tests skipped: {_reason}", allow_module_level=True)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.skipif(
    POSTGRES_URL is not None, reason="the browser story runs once, in the SQLite run"
)


class Page:
    """The browser, the server, and the habits of a careful tester."""

    def __init__(self, driver: WebDriver, served: Served, shots: Path, size: str) -> None:
        self.driver = driver
        self.served = served
        self.shots = shots
        self.size = size
        self.base = served.url.split("/?")[0]
        self.step = 0

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return str(self.find("main").text)

    def click(self, css: str) -> None:
        element = self.find(css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def submit(self, css: str) -> None:
        old = self.find("html")
        self.click(css)
        WebDriverWait(self.driver, 30).until(lambda _: old.id != self.find("html").id)

    def set_date(self, css: str, value: str) -> None:
        # Typing into a date input depends on the browser's locale; set it as a picker would.
        self.driver.execute_script("arguments[0].value = arguments[1]", self.find(css), value)

    def choose(self, symptom: str, value: int) -> None:
        self.click(f"label:has(> input[name='value-{symptom}'][value='{value}'])")

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.shots / f"{self.size}-{self.step:02d}-{name}.png"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        width = SIZES[self.size][0]
        self.driver.set_window_size(width, min(int(height) + 140, 4000))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(*SIZES[self.size])
        return path

    def axe(self) -> list[str]:
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']})"
            ".then(r => done(r.violations.map(v => [v.impact, v.id, v.help,"
            " v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')])))"
            ".catch(e => done([['critical', 'axe-error', String(e), '']]));"
        )
        return [
            f"{impact} {rule}: {help_} ({where})"
            for impact, rule, help_, where in result
            if impact in ("serious", "critical")
        ]


@pytest.fixture(params=list(SIZES))
def page(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path, chromium: Chromium
) -> Iterator[Page]:
    size = request.param
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS", tmp_path / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    driver = chromium(*SIZES[size], downloads=downloads)
    served = start(db_url)
    try:
        driver.get(served.url)
        yield Page(driver, served, shots, size)
    finally:
        if served.process.poll() is None:
            stop(served)


def _downloaded(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}")


def test_the_fortnight_in_the_browser(page: Page, tmp_path: Path, run: Run) -> None:
    fetch_axe()
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.shot(name)
        found = page.axe()
        if found:
            problems[name] = found

    # No session yet: the page says so and offers to add one.
    assert "Start with your treatment session" in page.text()
    check("start")
    page.click("a.button.primary")
    page.set_date("#date", "2026-11-12")
    page.find("#area").send_keys("face")
    page.set_date("#follow_up", "2026-11-26")
    check("add-session")
    page.submit("form[action='/sessions'] button[type='submit']")
    assert "Added session 1 (laser skin rejuvenation on 2026-11-12)." in page.text()

    # Check in on several days, each chosen with the day picker.
    days = {
        "2026-11-13": {"itching": 4, "swelling": 6, "redness": 6, "rash": 5},
        "2026-11-16": {"itching": 2, "swelling": 1, "redness": 5, "rash": 2},
        "2026-11-20": {"itching": 9, "swelling": 0, "redness": 4, "rash": 0},  # 9: a typo for 0
    }
    for index, (day, values) in enumerate(days.items()):
        page.open("/")
        page.set_date("#date", day)
        page.submit("form.day-picker button")
        assert f"Check-in for {day}" in page.text()
        for symptom, value in values.items():
            page.choose(symptom, value)
        if index == 0:
            page.click("label:has(> input[name='care'][value='ice-pack'])")
            page.find("#note").send_keys("Face felt hot; ice pack twice.")
            check("checkin")
        page.submit("form.checkin button[type='submit']")
        assert f"Saved for {day}:" in page.text()
    check("status-after-checkins")

    # Today: redness lingers past its course, and blisters appear: urgent advice at once.
    page.open("/")
    page.choose("itching", 0)
    page.choose("redness", 4)
    page.find("#extra option[value='blistering']").click()
    page.find("#extra-value option[value='3']").click()
    page.submit("form.checkin button[type='submit']")
    status = page.text()
    assert "Contact your clinic now" in status
    assert "Blisters logged on day 12 (3/10)." in status
    assert "Contact your skin specialist or clinic now." in status
    # A warning's details are closed until opened: its heading names it.
    assert "WARNING Redness · persisting" in status
    assert "Redness was still 4/10 on day 12, past its expected course" not in status
    page.click("li.level-warning summary")
    assert "Redness was still 4/10 on day 12, past its expected course" in page.text()
    assert "information, not a diagnosis" in status
    # Swelling and rash were left untouched: nothing is saved for them.
    saved = [e for e in json.loads(run("history", "--json").stdout) if e["date"] == "2026-11-24"]
    assert {e["symptom"]: e["severity"] for e in saved} == {
        "itching": 0,
        "redness": 4,
        "blistering": 3,
    }
    check("status-urgent")

    # A form error lands on its field: "another symptom" with no strength, far down the page.
    page.open("/")
    page.find("#extra option[value='pus']").click()
    page.submit("form.checkin button[type='submit']")
    assert page.find("#extra-value-error").text.startswith("How strong is pus or bad smell?")
    landed = page.driver.execute_script(
        "const a = document.activeElement, r = a.getBoundingClientRect();"
        "return [a.id, r.top >= 0 && r.bottom <= window.innerHeight];"
    )
    assert landed == ["extra-value", True]
    check("checkin-error")

    # A day the tracker cannot take comes back on the same form, next to its field.
    page.open("/")
    page.set_date("#date", "2026-11-11")
    page.submit("form.day-picker button")
    assert page.find("#date-error").text == (
        "2026-11-11 is before your first session (session 1 on 2026-11-12); "
        "choose a day on or after it."
    )
    check("day-refused")

    # Fix the typo'd itching of 2026-11-20 in the history.
    page.open("/history")
    correct = "section[aria-labelledby='d-2026-11-20'] a.correct-day"
    assert not page.driver.find_elements(By.CSS_SELECTOR, "select[name='severity']")  # short
    page.submit(correct)  # the day's own page: a form for each value
    select = "#v-2026-11-20-itching-value"
    page.find(f"{select} option[value='0']").click()
    page.submit("#v-2026-11-20-itching form.edit-value button")
    assert "itching on 2026-11-20 is now 0/10 none (was 9/10). Undo below." in page.text()
    assert page.find("#v-2026-11-20-itching .changed").text.startswith("changed from 9 on ")
    check("history-fixed")

    # Remove a value: Remove asks first (a disclosure of its own), then Undo puts it back.
    def rash_of_the_20th() -> list[int]:
        found = json.loads(run("history", "--json").stdout)
        return [e["severity"] for e in found if (e["date"], e["symptom"]) == ("2026-11-20", "rash")]

    page.submit(correct)
    page.click("#v-2026-11-20-rash details.remove-value summary")
    page.submit("#v-2026-11-20-rash details.remove-value button")
    assert "Removed rash 0/10 on 2026-11-20 from session 1." in page.text()
    assert rash_of_the_20th() == []
    check("history-removed")
    page.submit("form.undo button")
    assert "Undone: rash on 2026-11-20: 0/10 removed at " in page.text()
    assert rash_of_the_20th() == [0]

    # The chart: the drawing code's SVG, loaded under the page's own policy.
    page.open("/chart")
    WebDriverWait(page.driver, 60).until(
        lambda d: d.execute_script(
            "const i = document.querySelector('.chart img'); return i.complete && i.naturalWidth"
        )
    )
    check("chart")

    # The report for the follow-up, downloaded.
    page.open("/report")
    check("report")
    page.click("form[action='/report.pdf'] button")
    pdf = _downloaded(tmp_path / "downloads", ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")

    page.open("/sessions")
    check("sessions")
    assert not problems, problems


# What sticks out past the right edge of a page `width` px wide: the page itself, or elements.
PAST_THE_EDGE = (
    "const W = arguments[0], o = [];"
    "if (document.documentElement.scrollWidth > W + 1)"
    " o.push('page ' + document.documentElement.scrollWidth + ' px wide');"
    "for (const e of document.querySelectorAll('body *')) {"
    " const r = e.getBoundingClientRect();"
    " if (r.width > 0 && r.right > W + 1) o.push(e.tagName + ' ' + (e.id || e.className));"
    "} return o.slice(0, 5);"
)


def test_no_page_is_wider_than_its_screen(page: Page, run: Run) -> None:
    """Two overlapping treatments in different areas, a long area name, corrections, a
    session still ahead: every page at 360 px on a phone (emulated device metrics: a headless
    window cannot be narrower than about 500 px) and at 1280 px on a desktop has nothing past
    the right edge."""
    width = 360 if page.size == "phone" else 1280
    area = "whole face, neck and upper chest (both sides)"
    run("session", "add", "--date", "2026-11-14", "--area", area, "--follow-up", "2026-11-28")
    run("session", "add", "--date", "2026-11-20", "--kind", "peel-superficial", "--area", "neck")
    run("session", "add", "--date", "2026-12-01", "--kind", "microneedling")
    for day, values in (("2026-11-16", "8"), ("2026-11-22", "6"), ("2026-11-24", "7")):
        run("log", f"redness={values}", "itching=3", "--session", "1", "--date", day)
    run("log", "blistering=2", "pain=8", "--session", "2", "--date", "2026-11-24")
    run("log", "redness=5", "--session", "1", "--date", "2026-11-24")  # a correction
    run("care", "add", "moisturiser", "--session", "1", "--date", "2026-11-22", "--note", "x" * 80)
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": page.size == "phone"},
    )
    cut = {}
    for path in (
        "/",
        "/?same=1",
        "/status",
        "/chart",
        "/chart?compare=1",
        "/history",
        "/history?session=2",
        "/sessions",
        "/sessions/1",
        "/report",
    ):
        page.open(path)
        found = page.driver.execute_script(PAST_THE_EDGE, width)
        if found:
            cut[path] = found
    assert not cut, cut


# The smallest text of a chart, in CSS px as the page draws it: the SVG its <img> shows
# (its text drawn as glyph paths, each scaled to its font size in points / 100, in the
# viewBox's units), times the <img>'s width on the page over the viewBox's width.
GLYPH_SCALE = re.compile(r"scale\(([0-9.]+) -[0-9.]+\)")
VIEW_BOX = re.compile(r'viewBox="0 0 ([0-9.]+) ')


def smallest_chart_text(page: Page) -> tuple[str, float, int]:
    """(the chart's address, its smallest text in CSS px, how many texts it has)."""
    source, shown = page.driver.execute_script(
        "const i = document.querySelector('.chart img');"
        "return [i.currentSrc, i.getBoundingClientRect().width];"
    )
    page.driver.get(source)  # the page's policy allows no fetch; the SVG is opened instead
    svg = page.driver.page_source
    found = VIEW_BOX.search(svg)
    assert found, svg[:300]
    sizes = [float(m) * 100 for m in GLYPH_SCALE.findall(svg)]
    return source, min(sizes, default=0.0) * shown / float(found.group(1)), len(sizes)


PHONE_TEXT_AT_LEAST = 12.0  # CSS px at 360 px: the "at least 12 CSS px"


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_chart_on_a_phone_is_drawn_for_it_and_its_text_reads_at_12_px(
    page: Page, run: Run
) -> None:
    """At 360 px the chart page shows the chart's phone layout (not the desktop figure
    shrunk), and its smallest text is at least 12 CSS px as the browser draws it."""
    run("session", "add", "--date", "2026-11-10", "--area", "face", "--follow-up", "2026-11-26")
    run("session", "add", "--date", "2026-11-17", "--kind", "peel-superficial", "--area", "neck")
    for day in range(11, 25):
        values = [
            f"{s}={max(0, 8 - (day - 11) // 2 - i)}"
            for i, s in enumerate(
                ("redness", "swelling", "itching", "pain", "rash", "dryness", "peeling")
            )
        ]
        run("log", *values, "--session", "1", "--date", f"2026-11-{day}")
        if day >= 18:
            run("log", f"peeling={day - 16}", "--session", "2", "--date", f"2026-11-{day}")
    run("care", "add", "moisturiser", "--session", "1", "--date", "2026-11-12")
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True},
    )
    for path in ("/chart?session=1", "/chart?session=2", "/chart?compare=1"):
        page.open(path)
        WebDriverWait(page.driver, 120).until(
            lambda d: d.execute_script(
                "const i = document.querySelector('.chart img');return i.complete && i.naturalWidth"
            )
        )
        page.shot("chart-phone-" + path.rsplit("?", 1)[1].replace("=", "-"))
        source, smallest, texts = smallest_chart_text(page)
        assert "layout=phone" in source, (path, source)
        assert texts > 20, (path, texts)  # the texts were found: the measure can fail
        assert smallest >= PHONE_TEXT_AT_LEAST, (path, round(smallest, 1))


STATUS_AT_MOST_PX = 4300  # 5,990 px before: the same advice in every flag, none collapsed


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_status_after_a_bad_day_is_scannable_on_a_phone(page: Page, run: Run) -> None:
    """Two urgent and six warnings over two treatments: the urgent box first, the advice
    once per level, each flag under its treatment and closed, the page a bounded height
    at 360 px."""
    run("session", "add", "--date", "2026-11-12", "--area", "face", "--follow-up", "2026-11-26")
    run("session", "add", "--date", "2026-11-20", "--kind", "peel-superficial", "--area", "neck")
    for day in range(13, 25):
        redness = 7 - (day - 13) // 2 if day < 19 else 3 + (day - 19) // 2
        swelling = 5 if day < 18 else 0 if day > 22 else 3
        pain = 6 if day > 21 else 2
        values = (f"redness={redness}", f"swelling={swelling}", "itching=4", f"pain={pain}")
        run("log", *values, "--session", "1", "--date", f"2026-11-{day}")
    for day in range(21, 25):
        values = (f"peeling={day - 18}", f"burning={day - 19}", f"redness={day - 19}")
        run("log", *values, "--session", "2", "--date", f"2026-11-{day}")
    run("log", "blistering=3", "--session", "1", "--date", "2026-11-24")
    run("log", "pus=4", "--session", "2", "--date", "2026-11-24")
    levels = [f["level"] for f in json.loads(run("flags", "--json").stdout)]
    assert (levels.count("urgent"), levels.count("warning")) == (2, 6)
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True},
    )
    page.open("/status")
    height = page.driver.execute_script("return document.documentElement.scrollHeight")
    assert height <= STATUS_AT_MOST_PX
    # The urgent box is the first thing under the heading, inside the first screen.
    first = page.driver.execute_script(
        "const h = document.querySelector('main h1').nextElementSibling;"
        "return [h.className, h.getBoundingClientRect().top];"
    )
    assert first[0] == "urgent" and first[1] < 400
    text = page.text()
    assert text.count("111 in England") == 1
    urgent = page.find("section.urgent").text
    assert "Session 1: laser skin rejuvenation on 2026-11-12 · face" in urgent
    assert "Session 2: superficial chemical peel" in urgent and "· neck" in urgent
    assert "Blisters logged on day 12 (3/10)." in urgent
    assert "Pus or bad smell logged on day 4 (4/10)." in urgent
    # The warnings: under their treatment, closed; what each says is there when opened.
    groups = page.driver.find_elements(By.CSS_SELECTOR, "main > section.flag-group")
    assert [g.find_element(By.CSS_SELECTOR, "h3").text for g in groups] == [
        "Session 2: superficial chemical peel (glycolic, salicylic) on 2026-11-20 · neck",
        "Session 1: laser skin rejuvenation on 2026-11-12 · face",
    ]
    closed = page.driver.find_elements(By.CSS_SELECTOR, "main > section.flag-group details")
    assert len(closed) == 6 and not any(d.get_attribute("open") for d in closed)
    assert "Pain or soreness was still 6/10 on day 12" not in text
    page.click("main > section.flag-group details:has(summary) summary")
    assert "Burning or stinging rose to" in page.find("main > section.flag-group").text
    page.shot("status-bad-day")


FACE, NECK = 1, 2
LASER_REDNESS = (7, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2)  # 2026-11-11 to 2026-11-24
PEEL_PEELING = (2, 3, 4, 3, 2, 1, 1)  # 2026-11-18 to 2026-11-24


def _fortnight() -> list[tuple[str, int, dict[str, int]]]:
    """(day, session, what the patient enters on that session's card): one or two symptoms a
    card a day, the rest untouched; blisters on the neck on 11-20, gone on 11-21."""
    days: list[tuple[str, int, dict[str, int]]] = []
    for index, redness in enumerate(LASER_REDNESS):
        day = f"2026-11-{11 + index}"
        face = {"redness": redness}
        if index < 2:
            face["swelling"] = (4, 2)[index]
        days.append((day, FACE, face))
        if index >= 7:
            neck = {"peeling": PEEL_PEELING[index - 7]}
            neck.update({"2026-11-18": {"redness": 3}, "2026-11-22": {"redness": 1}}.get(day, {}))
            neck.update(
                {"2026-11-20": {"blistering": 3}, "2026-11-21": {"blistering": 0}}.get(day, {})
            )
            neck.update({"2026-11-24": {"redness": 4}}.get(day, {}))
            days.append((day, NECK, neck))
    return days


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_two_treatments_for_a_fortnight_on_a_phone(page: Page, tmp_path: Path, run: Run) -> None:
    """A laser on the face and a superficial peel on the neck a week later, lived on a 360 px
    screen: a card a treatment, untouched symptoms saving nothing, a red-flag day and its
    end, a correction undone, then Status, History, the chart and the report; after every
    save the database holds exactly what was entered."""
    page.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 360, "height": 800, "deviceScaleFactor": 1, "mobile": True},
    )
    entered: dict[tuple[int, str, str], int] = {}

    def saved() -> dict[tuple[int, str, str], int]:
        found = json.loads(run("history", "--json").stdout)
        return {(e["session_id"], e["date"], e["symptom"]): e["severity"] for e in found}

    def wide() -> int:
        return int(page.driver.execute_script("return document.documentElement.scrollWidth"))

    # The two sessions, added on the Sessions page.
    for date, kind, area, follow_up in (
        ("2026-11-10", "laser-rejuvenation", "face", "2026-11-26"),
        ("2026-11-17", "peel-superficial", "neck", "2026-12-01"),
    ):
        page.open("/sessions")
        page.set_date("#date", date)
        page.find(f"#kind option[value='{kind}']").click()
        page.find("#area").send_keys(area)
        page.set_date("#follow_up", follow_up)
        page.submit("form[action='/sessions'] button[type='submit']")
        assert "Added session" in page.text()

    for day, session, values in _fortnight():
        page.open(f"/?date={day}")
        cards = page.driver.find_elements(By.CSS_SELECTOR, "form.checkin")
        # Both treatments are open from the peel on, each on its own card.
        assert len(cards) == (2 if day >= "2026-11-17" else 1), day
        # Nothing is chosen for the patient, whatever was logged before.
        chosen = "form.checkin input[type=radio]:checked:not([value=''])"
        assert page.driver.find_elements(By.CSS_SELECTOR, chosen) == [], day
        card = f"form.checkin:has(input[name='session'][value='{session}'])"
        for symptom, value in values.items():
            radio = f"{card} label:has(> input[name='value-{symptom}'][value='{value}'])"
            if page.driver.find_elements(By.CSS_SELECTOR, radio):
                page.click(radio)
            else:  # not asked on this card: "Another symptom"
                page.find(f"{card} select[name='extra'] option[value='{symptom}']").click()
                page.find(f"{card} select[name='extra-value'] option[value='{value}']").click()
        assert wide() <= 360, day
        page.submit(f"{card} button[type='submit']")
        told = page.text()
        assert f"Saved for {day}:" in told
        assert (
            f"(Session {session}: " in told and ("· face" if session == FACE else "· neck") in told
        )
        entered.update({(session, day, s): v for s, v in values.items()})
        assert saved() == entered, day

        if (day, session) == ("2026-11-20", NECK):
            # The red-flag day: urgent, naming the neck's treatment.
            urgent = page.find("section.urgent").text
            assert "Blisters logged on day 3 (3/10)." in urgent
            assert "Session 2: superficial chemical peel" in urgent and "· neck" in urgent
            page.shot("story-red-flag")
        if (day, session) == ("2026-11-21", NECK):
            # Blisters gone, logged as 0: the alarm ends with its cause.
            assert page.driver.find_elements(By.CSS_SELECTOR, "section.urgent") == []
            assert "Blisters" not in page.text().split("Each symptom")[0]

    # Swelling, untouched after day 2, is not taken as gone: Status says it is not known.
    page.open("/status")
    status = page.text()
    assert "Swelling · no data since day 2" in status
    groups = [
        g.find_element(By.CSS_SELECTOR, "h3").text
        for g in page.driver.find_elements(By.CSS_SELECTOR, "section.flag-group")
    ]
    assert groups == [
        "Session 2: superficial chemical peel (glycolic, salicylic) on 2026-11-17 · neck",
        "Session 1: laser skin rejuvenation on 2026-11-10 · face",
    ]
    assert "WARNING Redness · worsening · day 7" in page.find("section.flag-group").text
    assert "section.urgent" not in page.driver.page_source
    assert "Follow-up for session 1 (laser skin rejuvenation · face): 2026-11-26" in status
    assert wide() <= 360
    page.shot("story-status")

    # A typo corrected in the face's history, then undone: each value's history kept.
    page.open(f"/history?session={FACE}")
    page.submit("section[aria-labelledby='d-2026-11-20'] a.correct-day")
    page.find("#v-2026-11-20-redness-value option[value='8']").click()
    page.submit("#v-2026-11-20-redness form.edit-value button")
    assert "redness on 2026-11-20 is now 8/10 severe (was 3/10). Undo below." in page.text()
    assert saved()[(FACE, "2026-11-20", "redness")] == 8
    assert page.find("#v-2026-11-20-redness .changed").text.startswith("changed from 3 on ")
    page.submit("form.undo button")
    assert "Undone: " in page.text()
    assert saved() == entered
    assert wide() <= 360
    page.shot("story-history")

    # The chart of each treatment, in the phone's own layout.
    for session in (FACE, NECK):
        page.open(f"/chart?session={session}")
        WebDriverWait(page.driver, 120).until(
            lambda d: d.execute_script(
                "const i = document.querySelector('.chart img');return i.complete && i.naturalWidth"
            )
        )
        assert wide() <= 360
        source, smallest, _ = smallest_chart_text(page)
        assert "layout=phone" in source and smallest >= PHONE_TEXT_AT_LEAST

    # The report for the peel (the latest session, chosen by default), downloaded.
    page.open("/report")
    page.click("form[action='/report.pdf'] button")
    pdf = _downloaded(tmp_path / "downloads", ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert saved() == entered  # nothing saved that was not entered, start to end
    # The PDF's daily log holds exactly the neck's values entered, day by day: a blank
    # cell for each symptom left untouched, never a value carried from another day.
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    table = text.split("Daily log (0-10)")[1].split("A blank cell")[0]
    rows = {
        line.split()[0]: sorted(int(v) for v in line.split()[2:])
        for line in table.splitlines()
        if line.startswith("2026-")
    }
    expected: dict[str, list[int]] = {}
    for (session, day, _), value in entered.items():
        if session == NECK:
            expected.setdefault(day, []).append(value)
    assert rows == {day: sorted(values) for day, values in expected.items()}
