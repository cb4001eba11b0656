"""Photos (issue 25): intake of a 12-megapixel phone JPEG and an iPhone-sized HEIC, the
report's size with a photo page, a History page's thumbnails, and a database of 200 photos.

A benchmark, not a test (CI does not run it). Run from the checkout with the project's
environment: `python benchmarks/photos.py [--work DIR]`. The photos are made here: a
smooth scene with fine grain, which compresses about as a phone photo of skin does.

Each figure is measured beside a baseline doing the same work, alternately in the same run
(the shared machine's speed drifts): the intake beside a plain Pillow/pillow-heif decode
and re-encode of the same file (no checks, no reduced decoding); History with 90 photos
beside the same page of a copy of the database without them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def scene(width: int = 4032, height: int = 3024) -> Image.Image:
    """A 12 MP picture: colour gradients, soft blobs and grain (noise at a quarter size,
    scaled up, as sensor noise and skin texture look after a phone's processing)."""
    base = Image.radial_gradient("L").resize((width, height))
    red = Image.linear_gradient("L").resize((width, height))
    grain = Image.effect_noise((width // 3, height // 3), 28).resize((width, height))
    rgb = Image.merge("RGB", (red, base, grain)).filter(ImageFilter.GaussianBlur(1.2))
    return Image.blend(rgb, Image.new("RGB", (width, height), (214, 150, 130)), 0.45)


def phone_jpeg(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 12.5)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def heic(image: Image.Image) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    image.save(out, "HEIF", quality=80)
    return out.getvalue()


def timed(function, data: bytes, runs: int = 5) -> float:  # type: ignore[no-untyped-def]
    function(data)  # the first run loads the codecs
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def side_by_side(ours, baseline, data: bytes, runs: int = 7) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Medians of ours and the baseline on the same data, run alternately."""
    ours(data)
    baseline(data)
    mine, theirs = [], []
    for _ in range(runs):
        for function, times in ((ours, mine), (baseline, theirs)):
            start = time.perf_counter()
            function(data)
            times.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(theirs)


def plain_intake(data: bytes) -> tuple[bytes, bytes]:
    """The baseline: what any program storing a photo and a thumbnail does, plainly: decode
    it whole, make it 2048 px and 320 px, write both as JPEG (no checks, no orientation)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    with Image.open(io.BytesIO(data)) as image:
        picture = image.convert("RGB")
    out = []
    for side, quality in ((2048, 85), (320, 80)):
        copy = picture.copy()
        copy.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=quality, optimize=True)
        out.append(buffer.getvalue())
    return out[0], out[1]


def heif_decode_only(data: bytes) -> None:
    """libheif's decoding of the HEIC alone (pillow-heif), the floor of any HEIC intake."""
    import pillow_heif

    pillow_heif.open_heif(data)[0].load()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/photo-bench"))
    parser.add_argument(
        "--history-only", action="store_true", help="History's figure alone, on --work's database"
    )
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    if args.history_only:
        history_time(work / "photos.db", work, dt.date(2026, 11, 24))
        return
    from tracker.imaging.intake import prepare

    picture = scene()
    jpeg, heif = phone_jpeg(picture), heic(picture)
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, data in (("JPEG", jpeg), ("HEIC", heif)):
        ours, baseline = side_by_side(prepare, plain_intake, data)
        print(
            f"12 MP {name} {len(data) / 1e6:.1f} MB: intake {ours:.2f} s, plain decode and "
            f"re-encode {baseline:.2f} s ({ours / baseline:.2f}x; medians of 7, alternately)"
        )
    ours, decode = side_by_side(prepare, heif_decode_only, heif)
    print(
        f"12 MP HEIC: intake {ours:.2f} s, libheif's decoding alone {decode:.2f} s "
        f"({decode / ours:.0%} of the intake)"
    )
    stored = prepare(jpeg)
    print(
        f"stored {len(stored.image) / 1e3:.0f} KB, thumbnail {len(stored.thumbnail) / 1e3:.1f} KB"
    )
    many(work, jpeg)


def many(work: Path, jpeg: bytes) -> None:
    """200 photos in one database (90 of them in one session's History), its size, a
    backup's time, a History page's time and the report's size. The 200 are one photo
    decoded once and stored on 200 days (the intake's time is measured above)."""
    from tracker.services import photos
    from tracker.storage.database import Database, resolve

    prepared = photos.prepare_photo(jpeg)
    db_path = work / "photos.db"
    db_path.unlink(missing_ok=True)
    today = dt.date(2026, 11, 24)

    def tracker(*args: str) -> str:
        command = [sys.executable, "-m", "tracker", "--today", today.isoformat()]
        done = subprocess.run(
            [*command, "--db", str(db_path), *args], check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    tracker("session", "add", "--date", "2026-05-01", "--kind", "laser")
    tracker("session", "add", "--date", "2026-08-26", "--kind", "laser")
    tracker("log", "redness=5", "--date", "2026-08-27")
    db = Database(resolve(str(db_path)), "default")
    start = time.perf_counter()
    for n in range(200):
        first = n < 110  # 110 in the first session, 90 in the second
        date = (
            dt.date(2026, 5, 1) + dt.timedelta(days=n)
            if first
            else (dt.date(2026, 8, 26) + dt.timedelta(days=n - 110))
        )
        with db.writing() as store:
            photos.add_photo(store, prepared, date=date, today=today)
    added = time.perf_counter() - start
    db.dispose()
    size = db_path.stat().st_size / 1e6
    print(
        f"200 photos stored in {added:.0f} s ({added / 200:.3f} s each, decoded once); "
        f"database {size:.0f} MB"
    )
    backup = work / "backup.db"
    backup.unlink(missing_ok=True)
    start = time.perf_counter()
    tracker("db", "backup", str(backup))
    print(f"tracker db backup: {time.perf_counter() - start:.1f} s (the whole command)")
    history_time(db_path, work, today)
    report = work / "report.pdf"
    print(tracker("report", "-o", str(report), "--force"))


def history_time(db_path: Path, work: Path, today: dt.date) -> None:
    """History of the session with 90 photos beside the same page of a copy of the database
    with a value on each of those days instead of its photo (the baseline: as many day
    cards, each with a form), alternately; then what a first visit costs when the
    browser fetches all 90 thumbnails, and a second visit (the thumbnails kept)."""
    import shutil
    import sqlite3

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from web_support import Browser

    bare = work / "no-photos.db"
    shutil.copy(db_path, bare)
    with sqlite3.connect(bare) as connection:  # a value on each photo's day, in its place
        connection.execute(
            "INSERT INTO entries (session_id, date, symptom, severity) "
            "SELECT session_id, date, 'itching', 2 FROM photos WHERE session_id = 2"
        )
        connection.execute("DELETE FROM photos")
    browsers = [Browser(str(db_path), today), Browser(str(bare), today)]
    for browser in browsers:
        browser.sign_in()
        browser.get("/history?session=2")
    times: list[list[float]] = [[], []]
    for _ in range(20):
        for browser, kept in zip(browsers, times, strict=True):
            start = time.perf_counter()
            page = browser.get("/history?session=2").text
            kept.append(time.perf_counter() - start)
    with_photos = browsers[0].get("/history?session=2").text
    thumbnails = re.findall(r'src="(/photos/\d+/thumbnail\?v=[0-9a-f]+)"', with_photos)
    assert len(thumbnails) == 90 and "/thumbnail" not in page
    first_visit = []
    for _ in range(5):
        start = time.perf_counter()
        browsers[0].get("/history?session=2")
        for address in thumbnails:
            answer = browsers[0].get(address)
            assert answer.headers["Cache-Control"].startswith("private")
        first_visit.append(time.perf_counter() - start)
    for browser in browsers:
        browser.close()
    ours, baseline = (statistics.median(t) * 1000 for t in times)
    print(
        f"History with 90 thumbnails: {ours:.0f} ms, the same page with a value in place "
        "of each photo "
        f"{baseline:.0f} ms ({ours / baseline:.2f}x; medians of 20, alternately). A first "
        f"visit fetching all 90 thumbnails too: {statistics.median(first_visit) * 1000:.0f} "
        "ms (median of 5); later visits fetch none (kept by the browser)."
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
