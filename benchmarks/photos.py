"""Photos (issue 25): intake of a 12-megapixel phone JPEG and an iPhone-sized HEIC, the
report's size with a photo page, a History page's thumbnails, and a database of 200 photos.

A benchmark, not a test (CI does not run it). Run from the checkout with the project's
environment: `python benchmarks/photos.py [--work DIR]`. The photos are made here: a
smooth scene with fine grain, which compresses about as a phone photo of skin does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, default=Path("/tmp/photo-bench"))
    args = parser.parse_args()
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    from tracker.imaging.intake import prepare

    picture = scene()
    jpeg, heif = phone_jpeg(picture), heic(picture)
    print(f"12 MP JPEG {len(jpeg) / 1e6:.1f} MB: intake {timed(prepare, jpeg):.2f} s (median)")
    print(f"12 MP HEIC {len(heif) / 1e6:.1f} MB: intake {timed(prepare, heif):.2f} s (median)")
    stored = prepare(jpeg)
    print(
        f"stored {len(stored.image) / 1e3:.0f} KB, thumbnail {len(stored.thumbnail) / 1e3:.1f} KB"
    )
    many(work, jpeg)


def many(work: Path, jpeg: bytes) -> None:
    """200 photos in one database (90 of them in one session's History), its size, a
    backup's time, a History page's time and the report's size."""
    from tracker.services import photos
    from tracker.storage.database import Database, resolve

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
        photos.add_photo(db, jpeg, date=date, today=today)
    added = time.perf_counter() - start
    db.dispose()
    size = db_path.stat().st_size / 1e6
    print(f"200 photos added in {added:.0f} s ({added / 200:.2f} s each); database {size:.0f} MB")
    backup = work / "backup.db"
    backup.unlink(missing_ok=True)
    start = time.perf_counter()
    tracker("db", "backup", str(backup))
    print(f"tracker db backup: {time.perf_counter() - start:.1f} s (the whole command)")
    history_time(db_path, today)
    report = work / "report.pdf"
    print(tracker("report", "-o", str(report), "--force"))


def history_time(db_path: Path, today: dt.date) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from web_support import Browser

    browser = Browser(str(db_path), today)
    browser.sign_in()
    times = []
    for _ in range(20):
        start = time.perf_counter()
        page = browser.get("/history?session=2")
        times.append(time.perf_counter() - start)
    assert page.text.count("/thumbnail") == 90
    browser.close()
    print(f"History with 90 thumbnails: {statistics.median(times) * 1000:.0f} ms (median of 20)")


if __name__ == "__main__":
    main()
