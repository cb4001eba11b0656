"""The ORM models. The schema itself is made only by the Alembic migrations."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints keep migrations (and SQLite batch rebuilds) predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _random_id() -> str:
    return str(uuid.uuid4())


class Profile(Base):
    """One person whose recovery is tracked; a clinic's database holds many."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    skin_type: Mapped[str | None] = mapped_column(String(3))  # Fitzpatrick I-VI
    sensitive_skin: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # Random, never reused and never shown as a name: the FHIR Patient id a clinic files under.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=_random_id)


class TreatmentSession(Base):
    """A treatment. ``id`` is the row's key for the joins and never leaves storage;
    ``number`` counts the profile's own sessions (1, 2, 3 ...): what is shown and typed."""

    __tablename__ = "sessions"
    __table_args__ = (
        # "The latest session on or before a day" for one profile is the hottest query.
        Index("ix_sessions_profile_id_date", "profile_id", "date"),
        UniqueConstraint("profile_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    area: Mapped[str | None] = mapped_column(Text)
    clinic: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[dt.date | None] = mapped_column(Date)

    entries: Mapped[list[SymptomValue]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )


class SymptomValue(Base):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("session_id", "symptom", "date"),
        # The CAST comparison refuses 3.5 on SQLite, whose INTEGER columns would store it.
        CheckConstraint(
            "severity >= 0 AND severity <= 10 AND severity = CAST(severity AS INTEGER)",
            name="severity_whole_0_10",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(String(40))
    severity: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)

    session: Mapped[TreatmentSession] = relationship(back_populates="entries")


class SymptomCourse(Base):
    """What each symptom's values of a session come to, kept up to date on every write
        (the store refreshes the pairs a transaction wrote before it commits): the latest
        value's date and severity, and the day it was gone (the first value 0 after its last
        one above 0; None while it is still there or was never above 0), and how many values it
    has. What a page about one
        session needs of the patient's other sessions, and what makes a session open (a
        symptom whose latest value is above 0), found by an index without reading values."""

    __tablename__ = "symptom_courses"
    __table_args__ = (
        Index("ix_symptom_courses_latest_severity", "latest_severity"),
        Index("ix_symptom_courses_latest", "latest"),
    )

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    symptom: Mapped[str] = mapped_column(String(40), primary_key=True)
    latest: Mapped[dt.date] = mapped_column(Date)
    latest_severity: Mapped[int] = mapped_column(Integer)
    gone: Mapped[dt.date | None] = mapped_column(Date)
    value_count: Mapped[int] = mapped_column(Integer)  # how many values the symptom has


class EntryChange(Base):
    """One write to a day's value: what it was before (None: no value) and after (None:
    removed), with the time of the change. Nothing a correction replaces is lost, and undo
    takes the profile's latest change not yet undone and puts ``before`` back."""

    __tablename__ = "entry_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(String(40))
    before: Mapped[int | None] = mapped_column(Integer)
    before_note: Mapped[str | None] = mapped_column(Text)
    after: Mapped[int | None] = mapped_column(Integer)
    after_note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC
    # A temperature reading's change (symptom "temperature", before/after empty): the
    # reading's row id (kept after it is removed: undo puts it back in its place) and the
    # number as typed and unit before (None: no reading) and after (None: removed).
    reading_id: Mapped[int | None] = mapped_column(Integer)
    before_reading: Mapped[str | None] = mapped_column(String(12))
    before_unit: Mapped[str | None] = mapped_column(String(8))
    after_reading: Mapped[str | None] = mapped_column(String(12))
    after_unit: Mapped[str | None] = mapped_column(String(8))


class ProtocolOverride(Base):
    """A patient's or clinic's own expected course for one treatment kind and symptom."""

    __tablename__ = "protocol_overrides"
    __table_args__ = (
        UniqueConstraint("profile_id", "kind", "symptom"),
        CheckConstraint(
            "max_days >= 0 AND (typical_days IS NULL OR "
            "(typical_days >= 0 AND typical_days <= max_days))",
            name="days_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    symptom: Mapped[str] = mapped_column(String(40))
    typical_days: Mapped[int | None] = mapped_column(Integer)
    max_days: Mapped[int] = mapped_column(Integer)


class CareEntry(Base):
    """Something the patient did for their skin on a day: an ice pack, a cream..."""

    __tablename__ = "care_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class Photo(Base):
    """A photo of the skin on a day of a session: its record; its re-encoded image and
    thumbnail are its PhotoImage.

    Inside the database (BLOB on SQLite, bytea on PostgreSQL) so that backups, exports and
    imports carry it. Removing a photo marks it (removed_at) and keeps the row.
    """

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_session_id_date", "session_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC; None: shown


class PhotoImage(Base):
    """A photo's bytes, in a row of their own (migration 0011): listing photos reads none
    of them (SQLite would walk each image's pages to reach the columns after it)."""

    __tablename__ = "photo_images"

    photo_id: Mapped[int] = mapped_column(
        ForeignKey("photos.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)


class Account(Base):
    """Someone who signs in to a clinic's hosted tracker: an admin, a clinician or a patient
    (a patient's account is tied to one profile, whose data alone it reaches)."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'clinician', 'patient')", name="known_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    role: Mapped[str] = mapped_column(String(16))
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("profiles.id", ondelete="SET NULL"), unique=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id, PHC string
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32
    totp_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code is used once
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    disabled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC


class AccountLink(Base):
    """A one-time link to set an account's password: only a hash of its secret is kept."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC; set: used or replaced
    # Asked for on the sign-in page ("Forgotten your password?"): it sets a new password and
    # nothing more, so a staff member still gives their second factor. A link the clinic
    # makes (false) also clears the second factor: the way back in after a lost phone.
    keeps_second_factor: Mapped[bool] = mapped_column(Boolean, server_default=false())


class LoginSession(Base):
    """A browser's signed-in session, kept in the database so that every app process knows
    it: the cookie holds a random id, the row only its hash."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))  # code, enrol or full
    address: Mapped[str | None] = mapped_column(String(64))  # where it signed in from
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC; signed out


class LoginFailure(Base):
    """A failed sign-in: counted per address typed (its hash) and per network address."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_hash_failed_at", "email_hash", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the address typed
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC


class ResetRequest(Base):
    """A new password asked for on the sign-in page: counted per address typed (its hash) and
    per network address, in the database that every app process shares."""

    __tablename__ = "reset_requests"
    __table_args__ = (
        Index("ix_reset_requests_email_hash_asked_at", "email_hash", "asked_at"),
        Index("ix_reset_requests_address_asked_at", "address", "asked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the address typed
    address: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC


class RecoveryCode(Base):
    """A staff member's TOTP recovery code: only its hash (salted by the account) is kept;
    each works once (``used_at``); a new set replaces the old rows."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))  # SHA-256, hex
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # UTC


class Consent(Base):
    """A patient's agreement to a version of the consent text, with its time; kept."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(20))
    agreed_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC


class FlagReview(Base):
    """A clinician's "seen" or "contacted" on a patient's triage line, with what was open
    then (``covers``: the concerns as JSON). Only ever added."""

    __tablename__ = "flag_reviews"
    __table_args__ = (
        Index("ix_flag_reviews_profile_id_reviewed_at", "profile_id", "reviewed_at"),
        CheckConstraint("action IN ('seen', 'contacted')", name="known_action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int | None] = mapped_column(Integer)
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    covers: Mapped[str] = mapped_column(Text)


class AuditRow(Base):
    """One view or change of a patient's record in hosted mode. Append-only: a trigger
    refuses UPDATE and DELETE. No foreign key: the log outlives what it names."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_profile_id_at", "profile_id", "at"),
        CheckConstraint("outcome IN ('allowed', 'refused')", name="known_outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(20))
    profile_id: Mapped[int | None] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(10))


class Measurement(Base):
    """A measure beside the 0-10 values, as typed: a body temperature and its unit.

    A day may hold several readings; none replaces another. ``value`` is the number as the
    patient typed it ("38.4", "101.2"); ``unit`` the unit it was given in ("C" or "F")."""

    __tablename__ = "measurements"
    __table_args__ = (
        Index("ix_measurements_session_id_date", "session_id", "date"),
        CheckConstraint("measure <> 'temperature' OR unit IN ('C', 'F')", name="temperature_unit"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(12))
    unit: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC


class TriageLineRow(Base):
    """Each patient's triage line as last judged, for the clinic's list (tracker.domain.
    triage_kept): its place in the list and what the list shows, for the days it holds
    (``since`` to ``until``). ``changes`` counts the writes to the patient's record (the
    store adds one in the transaction that writes); ``judged`` is the count the line was
    judged after, and ``rules`` the rules it was judged by: a line is kept only while both
    are current. Nothing here that the values, sessions, temperatures and reviews do not
    hold: a line can always be judged anew."""

    __tablename__ = "triage_lines"
    __table_args__ = (
        Index("ix_triage_lines_order", "sort_group", "category_rank"),
        Index("ix_triage_lines_until", "until"),
    )

    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), primary_key=True
    )
    changes: Mapped[int] = mapped_column(Integer, server_default="0")
    judged: Mapped[int | None] = mapped_column(Integer)
    rules: Mapped[str | None] = mapped_column(String(16))
    since: Mapped[dt.date | None] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    sort_group: Mapped[int | None] = mapped_column(Integer)  # 0 unreviewed, 1 reviewed, 2 none
    category_rank: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(12))
    # Days its worst concern has waited: ``waiting`` when fixed; when it grows by one a day,
    # the day (as a day number, date.toordinal()) it counts from: today's number minus it.
    waiting: Mapped[int | None] = mapped_column(Integer)
    waiting_from: Mapped[int | None] = mapped_column(Integer)
    reviewed: Mapped[bool | None] = mapped_column(Boolean)
    words: Mapped[str | None] = mapped_column(Text)
    session_number: Mapped[int | None] = mapped_column(Integer)
    session_kind: Mapped[str | None] = mapped_column(String(40))
    session_date: Mapped[dt.date | None] = mapped_column(Date)
    last_logged: Mapped[dt.date | None] = mapped_column(Date)
    review_action: Mapped[str | None] = mapped_column(String(20))
    review_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
