"""Photos by day: the intake strips and re-encodes, refuses bad input with nothing saved,
and the commands add, list, show and remove (keeping the record)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import TODAY, Run, State
from photo_support import (
    BODY_SERIAL,
    EXIF_IFD,
    GPS_IFD,
    HTML_TAIL,
    SVG,
    ZIP_TAIL,
    bomb_png,
    encoded,
    hostile_exif_jpeg,
    phone_jpeg,
    truncated_jpeg,
)
from PIL import Image
from sqlalchemy import create_engine, inspect, text

from tracker.domain.errors import TrackerError
from tracker.domain.photos import MAX_PHOTO_BYTES, STORED_LONG_SIDE, THUMBNAIL_LONG_SIDE
from tracker.imaging.intake import prepare
from tracker.storage import migrate
from tracker.storage.database import resolve


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_every_piece_of_metadata_is_gone_and_the_photo_is_turned_upright() -> None:
    original = _open(phone_jpeg(400, 300, orientation=6))
    assert original.getexif().get_ifd(GPS_IFD)  # the sample does carry a position
    assert original.getexif().get_ifd(EXIF_IFD)[BODY_SERIAL] == "SN-0042-SECRET"
    prepared = prepare(phone_jpeg(400, 300, orientation=6))
    for data in (prepared.image, prepared.thumbnail):
        image = _open(data)
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(image.info)
        assert b"SN-0042" not in data and b"PhoneMaker" not in data
    stored = _open(prepared.image)
    # Orientation 6: turned a quarter clockwise, so 400 x 300 stands as 300 x 400 and the
    # blue top-left corner is now at the top right.
    assert stored.size == (300, 400) == (prepared.width, prepared.height)
    red, _green, blue = stored.getpixel((290, 10))  # type: ignore[misc]
    assert blue > 150 and red < 100
    red, _green, blue = stored.getpixel((10, 390))  # type: ignore[misc]
    assert red > 150 and blue < 120


def test_a_large_photo_is_kept_at_2048_pixels_with_a_small_thumbnail() -> None:
    prepared = prepare(phone_jpeg(6000, 4000, orientation=1))
    assert (prepared.width, prepared.height) == (STORED_LONG_SIDE, 1365)
    assert _open(prepared.image).size == (2048, 1365)
    assert max(_open(prepared.thumbnail).size) == THUMBNAIL_LONG_SIDE
    # A 12 MP phone photo is decoded at half its size by the JPEG codec: 2016 px, kept so.
    phone = prepare(phone_jpeg(4032, 3024, orientation=6))
    assert (phone.width, phone.height) == (1512, 2016)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "HEIF"])
def test_png_webp_and_heic_are_stored_as_jpeg(fmt: str) -> None:
    prepared = prepare(encoded(fmt))
    image = _open(prepared.image)
    assert image.format == "JPEG" and image.size == (120, 80)


def test_a_transparent_png_is_laid_on_white() -> None:
    prepared = prepare(encoded("PNG", mode="RGBA"))
    red, green, blue = _open(prepared.image).getpixel((60, 40))  # type: ignore[misc]
    assert red > 100 and green > 200 and blue > 100  # half-green over white


BAD = {
    "text": (b"just some words, not a picture\n" * 10, "not an image"),
    "svg": (SVG, "SVG drawing"),
    "truncated": (truncated_jpeg(), "truncated"),
    "bomb": (bomb_png(), "more than 50 megapixels"),
    "hostile exif": (hostile_exif_jpeg(), "EXIF block"),
    "zip polyglot": (phone_jpeg() + ZIP_TAIL, "it is not only a photo"),
    "html polyglot": (phone_jpeg() + HTML_TAIL, "it is not only a photo"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_is_refused_in_one_line(name: str) -> None:
    data, words = BAD[name]
    with pytest.raises(TrackerError) as caught:
        prepare(data)
    assert words in caught.value.message
    assert "\n" not in caught.value.message
    assert caught.value.message.startswith("This photo was not saved: ")


@pytest.mark.parametrize("name", [*BAD, "too big"])
def test_bad_input_through_the_command_saves_nothing(
    name: str, run: Run, state: State, session_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "photo.bin"
    if name == "too big":
        path.write_bytes(phone_jpeg() + b"\x00" * MAX_PHOTO_BYTES)
    else:
        path.write_bytes(BAD[name][0])
    before = state()
    result = run("photo", "add", str(path))
    assert result.exit_code == 2
    assert result.output.startswith("Error: This photo was not saved: ")
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert state() == before
    assert run("photo", "list", "--removed", "--json").stdout.strip() == "[]"


def test_add_list_show_and_remove_keep_the_record(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    source = tmp_path / "cheek.jpg"
    source.write_bytes(phone_jpeg())
    added = run("photo", "add", str(source), "--date", "2026-11-16", "--note", "left cheek")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Added photo 1 of 2026-11-16, day 2 after session")
    listed = json.loads(run("photo", "list", "--json").stdout)
    assert [(p["id"], p["day"], p["note"], p["width"]) for p in listed] == [
        (1, 2, "left cheek", 300)
    ]

    out = tmp_path / "out.jpg"
    shown = run("photo", "show", "1", "--out", str(out))
    assert shown.exit_code == 0, shown.output
    assert out.stat().st_mode & 0o777 == 0o600
    assert prepare(source.read_bytes()).image == out.read_bytes()  # the stored JPEG
    assert run("photo", "show", "1", "--out", str(out)).exit_code == 1  # no overwrite
    out.write_bytes(b"old")
    assert run("photo", "show", "1", "--out", str(out), "--force").exit_code == 0
    assert out.read_bytes()[:2] == b"\xff\xd8"

    removed = run("photo", "remove", "1")
    assert removed.exit_code == 0 and removed.output.startswith("Removed photo 1")
    assert json.loads(run("photo", "list", "--json").stdout) == []
    kept = json.loads(run("photo", "list", "--removed", "--json").stdout)
    assert kept[0]["removed_at"] is not None and kept[0]["note"] == "left cheek"
    again = run("photo", "remove", "1")
    assert again.exit_code == 1 and "already removed" in again.output
    assert run("photo", "show", "1", "--out", str(tmp_path / "x.jpg")).exit_code == 1


def test_a_photo_belongs_to_a_day_on_or_after_its_session(
    run: Run, session_id: int, tmp_path: Path
) -> None:
    source = tmp_path / "a.jpg"
    source.write_bytes(phone_jpeg())
    early = run("photo", "add", str(source), "--date", "2026-11-01")
    assert early.exit_code == 1 and "before" in early.output
    future = run("photo", "add", str(source), "--date", "2026-12-30")
    assert future.exit_code == 1 and "future" in future.output
    assert json.loads(run("photo", "list", "--json").stdout) == []


def test_another_profile_sees_none_of_the_photos(run: Run, session_id: int, tmp_path: Path) -> None:
    source = tmp_path / "a.jpg"
    source.write_bytes(phone_jpeg())
    assert run("photo", "add", str(source)).exit_code == 0
    assert run("profile", "add", "sam").exit_code == 0
    assert json.loads(run("--profile", "sam", "photo", "list", "--json").stdout) == []
    other = run("--profile", "sam", "photo", "show", "1", "--out", str(tmp_path / "o.jpg"))
    assert other.exit_code == 1 and "no photo 1" in other.output
    assert run("--profile", "sam", "photo", "remove", "1").exit_code == 1


def test_photo_commands_do_not_load_pillow_for_other_commands(run: Run) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from tracker.cli import main; sys.argv=['tracker','photo','--help']\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print('PIL' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().endswith("False"), done.stdout + done.stderr


@pytest.mark.new_database
def test_migration_0007_up_and_down_with_photos_in_it(db_url: str) -> None:
    location = resolve(db_url)
    migrate.upgrade(location, "0006")
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sessions (profile_id, date, kind) VALUES (1, '2026-11-10', 'ipl')")
        )
        assert "photos" not in inspect(conn).get_table_names()
    migrate.upgrade(location, "0007")
    image = prepare(phone_jpeg())
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO photos (session_id, date, media_type, width, height, image, "
                "thumbnail, note, created_at) VALUES (1, '2026-11-11', 'image/jpeg', 300, 400, "
                ":image, :thumb, 'x', '2026-11-11 10:00:00')"
            ),
            {"image": image.image, "thumb": image.thumbnail},
        )
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT image, thumbnail, removed_at FROM photos")).one()
    assert bytes(stored[0]) == image.image and bytes(stored[1]) == image.thumbnail
    assert stored[2] is None
    migrate.downgrade(location, "0006")  # the photos go; the sessions stay
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sessions")).scalar() == 1
        assert "photos" not in inspect(conn).get_table_names()
    migrate.upgrade(location)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM photos")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM sessions")).scalar() == 1
    engine.dispose()


@pytest.mark.new_database
def test_migration_0011_moves_the_bytes_beside_the_record_and_back(db_url: str) -> None:
    """Up: each photo's image and thumbnail move to photo_images, byte for byte, its record
    (note, times, removed mark) stays; down: they come back into photos, the same."""
    location = resolve(db_url)
    migrate.upgrade(location, "0010")
    first, second = prepare(phone_jpeg()), prepare(phone_jpeg(320, 240, orientation=1))
    engine = create_engine(location.url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sessions (profile_id, date, kind) VALUES (1, '2026-11-10', 'ipl')")
        )
        for n, (photo, removed) in enumerate(((first, None), (second, "2026-11-12 09:00:00"))):
            conn.execute(
                text(
                    "INSERT INTO photos (session_id, date, media_type, width, height, image, "
                    "thumbnail, note, created_at, removed_at) VALUES (1, :date, 'image/jpeg', "
                    ":w, :h, :image, :thumb, :note, '2026-11-11 10:00:00', :removed)"
                ),
                {
                    "date": f"2026-11-1{n + 1}",
                    "w": photo.width,
                    "h": photo.height,
                    "image": photo.image,
                    "thumb": photo.thumbnail,
                    "note": f"photo {n}",
                    "removed": removed,
                },
            )
    migrate.upgrade(location, "0011")
    with engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("photos")}
        assert not {"image", "thumbnail"} & columns
        moved = conn.execute(
            text(
                "SELECT p.note, p.removed_at IS NULL, i.image, i.thumbnail FROM photos p "
                "JOIN photo_images i ON i.photo_id = p.id ORDER BY p.id"
            )
        ).all()
    assert [(r[0], r[1], bytes(r[2]), bytes(r[3])) for r in moved] == [
        ("photo 0", True, first.image, first.thumbnail),
        ("photo 1", False, second.image, second.thumbnail),
    ]
    migrate.downgrade(location, "0010")
    with engine.connect() as conn:
        assert "photo_images" not in inspect(conn).get_table_names()
        back = conn.execute(text("SELECT note, image, thumbnail FROM photos ORDER BY id")).all()
    assert [(r[0], bytes(r[1]), bytes(r[2])) for r in back] == [
        ("photo 0", first.image, first.thumbnail),
        ("photo 1", second.image, second.thumbnail),
    ]
    migrate.upgrade(location)
    engine.dispose()


def test_a_fresh_process_refuses_a_non_image_in_one_line(
    db_url: str, session_id: int, tmp_path: Path
) -> None:
    # No HEIC read before in this process: the HEIF opener is not registered.
    import subprocess
    import sys

    path = tmp_path / "notes.txt"
    path.write_bytes(b"%!PS-Adobe-3.0 not a photo\n")
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", db_url, "photo", "add", str(path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Error: This photo was not saved: it is not an image")
    assert done.stderr.count("\n") == 1


def test_deleting_a_session_says_its_photos_go_with_it(
    run: Run, db_url: str, session_id: int, tmp_path: Path
) -> None:
    from web_support import Browser

    source = tmp_path / "a.jpg"
    source.write_bytes(phone_jpeg())
    assert run("photo", "add", str(source)).exit_code == 0
    assert run("photo", "add", str(source), "--date", "2026-11-20").exit_code == 0
    assert run("photo", "remove", "2").exit_code == 0  # a removed photo goes too
    web = Browser(db_url, TODAY)
    try:
        web.sign_in()
        page = " ".join(web.get(f"/sessions/{session_id}").text.split())
        assert "its 0 logged values, its 2 photos and its care log, for good" in page
    finally:
        web.close()
    asked = run("session", "delete", str(session_id), input="n\n")
    assert "with its 0 logged values and its 2 photos?" in asked.output
    deleted = run("session", "delete", str(session_id), input="y\n")
    assert deleted.exit_code == 0 and deleted.output.endswith(
        "with its 0 logged values and its 2 photos.\n"
    )
    assert run("photo", "list", "--removed", "--json").stdout.strip() == "[]"


def test_the_chart_view_knows_the_days_with_a_photo(
    run: Run, db_url: str, session_id: int, tmp_path: Path
) -> None:
    """The days a chart marks: each day with a shown photo, once; a removed photo's day
    and a day after the chart's date are not marked."""
    from tracker.services.views import session_view
    from tracker.storage.database import Database

    source = tmp_path / "cheek.jpg"
    source.write_bytes(phone_jpeg())
    for date in ("2026-11-14", "2026-11-16", "2026-11-16", "2026-11-18", "2026-11-20"):
        assert run("photo", "add", str(source), "--date", date).exit_code == 0
    run("log", "itching=3", "--date", "2026-11-16")
    assert run("photo", "remove", "4").exit_code == 0  # 2026-11-18, day 4
    db = Database(resolve(db_url))
    try:
        with db.reading() as store:
            assert session_view(store, session_id, TODAY).photo_days == (0, 2, 6)
            earlier = session_view(store, session_id, dt.date(2026, 11, 17))
            assert earlier.photo_days == (0, 2)
    finally:
        db.dispose()
