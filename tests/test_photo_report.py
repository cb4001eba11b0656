"""The report's photo page: up to 6 photos chosen evenly across the days, each with its
date and day, seen as images in the PDF; --no-photos (and the web's checkbox) leave it out."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

from conftest import TODAY, Run
from photo_support import phone_jpeg
from pypdf import PdfReader
from web_support import Browser

from tracker.domain.photos import PhotoRecord, evenly_chosen


def _fill(run: Run, tmp_path: Path, days: int = 8) -> None:
    assert run("log", "redness=5", "--date", "2026-11-15").exit_code == 0
    source = tmp_path / "p.jpg"
    source.write_bytes(phone_jpeg(1600, 1200))
    for day in range(days):
        date = (dt.date(2026, 11, 14) + dt.timedelta(days=day)).isoformat()
        args = ["photo", "add", str(source), "--date", date]
        assert run(*args, *(["--note", "left cheek"] if day == 0 else [])).exit_code == 0


def _photo_pages(path: Path | io.BytesIO) -> list[tuple[str, int]]:
    """Each page that draws images: its words, and how many images it draws (matplotlib
    lists every image in each page's resources: what a page draws is in its content)."""
    found = []
    for page in PdfReader(path).pages:
        contents = page.get_contents()
        drawn = set(
            re.findall(rb"/(I\d+) Do", contents.get_data() if contents is not None else b"")
        )
        if drawn:
            found.append((" ".join(page.extract_text().split()), len(drawn)))
    return found


def test_the_photo_page_shows_six_days_chosen_evenly_with_date_and_day(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    _fill(run, tmp_path)
    path = tmp_path / "report.pdf"
    result = run("report", "-o", str(path))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"Report written to {re.escape(str(path))} \(\d+ pages, with 6 photos: [\d.]+ [KM]B\)\n",
        result.stdout,
    )
    ((text, images),) = _photo_pages(path)
    assert images == 6
    assert "Photos" in text and "6 of the 8 days with a photo" in text
    days = [int(d) for d in re.findall(r"2026-11-\d\d · day (\d+)", text)]
    assert days == [0, 1, 3, 4, 6, 7]
    assert "2026-11-14 · day 0 · left cheek" in text

    without = tmp_path / "plain.pdf"
    plain = run("report", "-o", str(without), "--no-photos")
    assert plain.exit_code == 0 and plain.stdout.endswith("(4 pages)\n")
    assert _photo_pages(without) == []
    assert len(PdfReader(without).pages) == len(PdfReader(path).pages) - 1


def test_a_session_without_photos_has_no_photo_page(run: Run, session_id: int) -> None:
    assert run("log", "redness=5", "--date", "2026-11-15").exit_code == 0
    result = run("report", "-o", "-")
    assert result.exit_code == 0
    assert _photo_pages(io.BytesIO(result.stdout_bytes)) == []


def test_the_web_report_has_photos_unless_the_box_is_ticked(
    run: Run, db_url: str, session_id: int, tmp_path: Path
) -> None:
    _fill(run, tmp_path, days=2)
    web = Browser(db_url, TODAY)
    try:
        web.sign_in()
        assert "Leave the photos out" in web.get("/report").text
        with_photos = web.get("/report.pdf")
        assert with_photos.mimetype == "application/pdf"
        assert [n for _, n in _photo_pages(io.BytesIO(with_photos.data))] == [2]
        plain = web.get("/report.pdf?no-photos=1")
        assert _photo_pages(io.BytesIO(plain.data)) == []
    finally:
        web.close()


def _record(day: int, session: int = 1) -> PhotoRecord:
    date = dt.date(2026, 11, 1) + dt.timedelta(days=day)
    return PhotoRecord(
        day, session, date, day, "image/jpeg", 1, 1, 1, None, dt.datetime(2026, 1, 1)
    )


def test_evenly_chosen_keeps_the_first_and_last_day_and_one_photo_a_day() -> None:
    assert evenly_chosen([]) == []
    two_a_day = [_record(0), _record(0), _record(3)]
    assert [r.day for r in evenly_chosen(two_a_day)] == [0, 3]
    many = [_record(d) for d in range(20)]
    assert [r.day for r in evenly_chosen(many)] == [0, 4, 8, 11, 15, 19]
    assert [r.day for r in evenly_chosen(many, 2)] == [0, 19]
    assert [r.day for r in evenly_chosen(many, 1)] == [19]
