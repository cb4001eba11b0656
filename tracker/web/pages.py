"""Today (the daily check-in) and Status: the two pages a patient opens every day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from tracker.domain.advice import said_once
from tracker.domain.care import CARE_ACTIONS, care_key, care_name
from tracker.domain.catalog import SYMPTOMS, kind_words, symptom_key, symptom_name
from tracker.domain.checkin import same_as_last
from tracker.domain.errors import TrackerError
from tracker.domain.flags import Flag
from tracker.domain.records import SessionRecord, TypedValue
from tracker.domain.severity import BANDS, band, parse_severity
from tracker.domain.temperature import parse_temperature
from tracker.domain.words import Words
from tracker.services import photos, recovery, reviews
from tracker.services.checkin import save_checkin
from tracker.web.app import Page, hosted, read_only, reading, today, writing
from tracker.web.forms import Form, empty, session_number
from tracker.web.hints import status_of

# One tap each on the check-in; "other" needs words, which the care log's own form takes.
ONE_TAP_CARE = [action for action in CARE_ACTIONS if action.key != "other"]
VALUE = "value-"
TEMPERATURE = "value-temperature"  # degrees, typed: not on the 0-10 scale


def _render_today(form: Form, date: dt.date, status: int = 200, same: int | None = None) -> Page:
    try:
        with reading() as store:  # the whole page in one transaction
            plans = recovery.checkin_plans(store, date, today())
            shown = photos.list_photos(store, plans[0].session.id)
    except TrackerError as exc:
        if date == today():
            return render_template("start.html", message=exc.message), status
        form.errors.setdefault("date", exc.message)
        return _render_today(form, today(), 400)
    # The form sent (with its errors) belongs to the card it was entered on.
    sent = form.data.get("session", "")
    sent_to = int(sent) if sent.isdigit() else plans[0].session.id
    cards = [
        _card(plan, form if plan.session.id == sent_to else empty(), same == plan.session.id)
        for plan in plans
    ]
    page = render_template(
        "today.html",
        plan=plans[0],
        cards=cards,
        form=form,
        date=date,
        care_actions=ONE_TAP_CARE,
        bands=BANDS,
        day_photos=[r for r in shown if r.date == date],
    )
    return page, status


def _card(plan: recovery.CheckinPlan, form: Form, same: bool) -> dict[str, object]:
    """One open treatment's check-in: its questions, what is chosen, its own errors."""
    asked = [symptom for symptom, _ in plan.questions]
    # Nothing is chosen for the patient: a symptom left untouched saves nothing. Only the
    # "Same as last time" button fills values in, shown here before anything is saved.
    copied = same_as_last(plan.questions, plan.date) if same else {}
    return {
        "plan": plan,
        "form": form,
        "same": same,
        "copied": copied,
        "not_copied": [
            s for s, last in plan.questions if last and last.date < plan.date and s not in copied
        ],
        "chosen": {s: form.data.get(VALUE + s, str(copied.get(s, ""))) for s in asked},
        "others": [s for s in SYMPTOMS if s.key not in asked],
        "care_chosen": set(form.data.getlist("care")),
    }


def today_page() -> Page:
    form = Form(request.args) if "date" in request.args else empty()
    date = form.date("date", today()) or today()
    same = request.args.get("same", "")
    return _render_today(form, date, same=int(same) if same.isdigit() else None)


def _severity_of(symptom: str) -> Callable[[str], int]:
    return lambda text: parse_severity(text, symptom=symptom)


def _readings(form: Form) -> list[TypedValue]:
    readings: list[TypedValue] = []
    for symptom in SYMPTOMS:
        value = form.read(VALUE + symptom.key, _severity_of(symptom.key))
        if value is not None:
            readings.append(TypedValue(symptom.key, value))
    extra = form.read("extra", symptom_key)
    if extra is not None:
        value = form.read("extra-value", _severity_of(extra))
        if form.text("extra-value") is None:
            form.errors["extra-value"] = (
                f"How strong is {symptom_name(extra).lower()}? Choose 0-10 under "
                "“How strong”, or set Another symptom back to (none)."
            )
        if any(r.symptom == extra for r in readings):
            form.errors["extra"] = Words.GIVEN_TWICE.format(symptom=extra, what="check-in")
        elif value is not None:
            readings.append(TypedValue(extra, value))
    return readings


def checkin() -> Response | Page:
    form = Form(request.form)
    day = today()
    date = form.date("date", day, required=True)
    readings = _readings(form)
    temperature = form.read(TEMPERATURE, parse_temperature)
    actions: list[str] = []
    for word in dict.fromkeys(form.data.getlist("care")):  # a box ticked is sent once
        try:
            actions.append(care_key(word))
        except TrackerError as exc:
            form.fail("care", exc)
    note = form.text("note")
    session_id = form.read("session", session_number)
    status = 400
    if form.ok and date is not None:
        try:
            # The write alone: the Status page it leads to reads the status after the commit.
            with writing() as store:
                result = save_checkin(
                    store,
                    readings,
                    actions,
                    date=date,
                    today=day,
                    note=note,
                    session_id=session_id,
                    temperature=temperature,
                )
        except TrackerError as exc:
            # A refusal about the day goes next to it; any other is the whole form's.
            form.refuse(exc, ("date",), "form")
            status = status_of(exc)
        else:
            saved = ", ".join(
                f"{item.entry.symptom} {item.entry.severity} ({band(item.entry.severity)})"
                for item in result.logged
            )
            care = ", ".join(care_name(c.action) for c in result.care)
            already = ", ".join(care_name(a) for a in result.already)
            measured = result.temperature
            parts = [
                p
                for p in (
                    measured and f"temperature {measured.words()}",
                    saved,
                    care and f"care: {care}",
                    already and f"already recorded: {already}",
                )
                if p
            ]
            s = result.session
            where = f"Session {s.id}: {kind_words(s.kind)}" + (f" · {s.area}" if s.area else "")
            flash(f"Saved for {result.date}: {'; '.join(parts)}. ({where}.)")
            return redirect(url_for("status"), code=303)
    return _render_today(form, date if date is not None and date <= day else day, status)


def status_page() -> Page:
    try:
        with reading() as store:  # the whole page in one transaction
            page = recovery.status_page(store, today())
            report = page.status
            # Hosted, a patient's page says what their clinic last reviewed (not to staff).
            seen = (
                reviews.seen_by_clinic(store, report.every_flag)
                if hosted() and not read_only()
                else None
            )
    except TrackerError as exc:
        return render_template("start.html", message=exc.message), 200
    # An earlier session's open flags stay listed until resolved.
    shown = [*report.flags, *report.earlier]
    urgent = [flag for flag in shown if flag.level == "urgent"]
    others = [flag for flag in shown if flag.level != "urgent"]
    # Advice once per level: what the level's advice above says, and what several of its
    # flags share, is said at the level's head; each flag keeps only its own.
    urgent_head, urgent_own = said_once([f.advice for f in urgent], report.advice)
    other_head, other_own = said_once([f.advice for f in others], [*report.advice, *report.care])
    return render_template(
        "status.html",
        report=report,
        urgent=_by_treatment(urgent, urgent_own, page.sessions),
        urgent_head=urgent_head,
        urgent_why=[f.message for f in urgent],  # to staff: why the patient was told (facts)
        others=_by_treatment(others, other_own, page.sessions),
        other_head=other_head,
        # Each group of flags names its treatment when the flags come from more than one.
        named=len({f.session_id for f in shown}) > 1,
        # A follow-up stays in sight, whichever session it belongs to, until it has passed.
        follow_ups=page.follow_ups,
        seen_by_clinic=seen,
    )


def _by_treatment(
    flags: list[Flag], own: list[str], by_id: dict[int, SessionRecord]
) -> list[tuple[SessionRecord, list[tuple[Flag, str]]]]:
    """The flags under their treatment (the latest first), each with its own advice."""
    groups: dict[int, list[tuple[Flag, str]]] = {}
    for flag, advice in zip(flags, own, strict=True):
        groups.setdefault(flag.session_id, []).append((flag, advice))
    return [(by_id[sid], groups[sid]) for sid in sorted(groups, reverse=True)]


def register(app: Flask) -> None:
    app.add_url_rule("/", "today", today_page)
    app.add_url_rule("/checkin", "checkin", checkin, methods=["POST"])
    app.add_url_rule("/status", "status", status_page)
