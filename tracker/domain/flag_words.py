"""What the flags say: the wording step, apart from detection (issue 22).

The rules in ``flags`` find facts: the rule, the level, the days and values, and a
``Said``: which sentence fits (its ``case``) and the figures it names. This module turns
those facts into words, once, from the catalogue below (a friend of ``words.Words``): each
sentence is written here and only here, face-neutral (no command, no page). A face shows
the words, or renders the facts its own way (``Flag.facts()``, ``tracker flags --json``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.domain.aftercare import care_for
from tracker.domain.catalog import agreement, kind_words, symptom_name
from tracker.domain.dates import day_span, gone_by
from tracker.domain.temperature import FEVER_WORDS, MEASURE

DISCLAIMER = (
    "This is information, not a diagnosis: if you are worried, contact your clinic or skin "
    "specialist."
)
CONTACT_NOW = "Contact your skin specialist or clinic now."
IF_UNREACHABLE = (
    "If you cannot reach them, call your local urgent medical advice line (111 in England) or "
    "go to an urgent-care service today."
)


def with_urgent_contact(text: str, contact: str | None) -> str:
    """Advice as a clinic that set its own urgent contact says it: the tracker's general
    sentence for when the clinic cannot be reached (IF_UNREACHABLE, whose "111 in England"
    is England's) stands replaced by the clinic's own line; unchanged without one."""
    return text if not contact else text.replace(IF_UNREACHABLE, contact)


EMERGENCY = (
    "Call your emergency number (999, 112 or 911) now if your lips, tongue or eyes swell, or "
    "you have trouble breathing or swallowing, or feel faint."
)
RED_FLAG_REASONS = {
    "blistering": "Blisters after a treatment need to be seen quickly.",
    "pus": "Pus or a bad smell can be a sign of infection and needs to be seen quickly.",
    "fever": "A fever after a treatment can be a sign of infection and needs to be seen quickly.",
    "cold-sores": (
        "Cold sores after a treatment can spread over the treated skin; antiviral treatment "
        "works best when started early. Any eye symptom with them (a painful, red or watering "
        "eye, blurred sight, sores on the eyelid) is an emergency: go to urgent care or an eye "
        "casualty today."
    ),
    "hives": "Hives can be an allergic reaction, to the treatment or to a cream used after it.",
    # The threshold and its wording: tracker.domain.temperature (red_flags.md, section 1).
    MEASURE: (
        f"A temperature of {FEVER_WORDS} after a treatment can be a sign of infection and "
        "needs to be seen quickly."
    ),
}

# Each rule in a few words, for a list of patients (the triage list's "Why"), after the
# symptom's name: "Redness: lasting past its expected course". The sentences are below.
RULE_WORDS: dict[str, str] = {
    "expected-strong": "strong, in its expected strong stage",
    "not-easing": "not easing after its strong stage",
    "severe": "severe, far above its expected course",
    "above-course": "above the general course",
    "late-onset": "began later than it usually does",
    "red-flag": "a warning sign",
    "pigment": "a colour change",
    "persisting": "lasting past its expected course",
    "worsening": "rising again",
    "missing": "not logged lately",
    "slower-than-usual": "slower than this patient's earlier recoveries",
    "high-temperature": "a fever",
}

# --- the catalogue ----------------------------------------------------------------------
# Each case's message, filled in with str.format from the figures the rule found and the
# words every sentence may use: {name} (the symptom as read), {noun} (lower case), {kind}
# (the treatment, mid-sentence), {is_} {was} {its} {has} (agreeing with the symptom),
# {care} (care for this treatment and day) and {urgent} (contact now, why, where to go).

MESSAGES: dict[str, str] = {
    # A strong value against its envelope, still so on its latest value.
    "expected-strong": (
        "{name} {now}: expected after {kind}, in its strong stage; it should start to ease by "
        "day {ease_next}."
    ),
    "not-easing": (
        "{name} {is_} not easing: {now}, after {its} strong stage after {kind} (to day {ease_by})."
    ),
    "still-severe": (
        "{name} {is_} still severe: {now}, past day {latest}, by which {its} strong stage after "
        "{kind} should have eased."
    ),
    "severe": "{name} {is_} severe: {now}, far above {its} expected course.",
    # ... and once a later value ended it.
    "strong-ended": "{name} {was} {strength} on {span}, {worst}/10; {eased}{after}/10 by day "
    "{after_day}.",
    "above-course": (
        "{name} {value}/10 on day {day}: no figure for this symptom after {kind}, so it is "
        "judged by the general course, in which it stays mild (up to {ceiling}/10)."
    ),
    "above-course-ended": (
        "{name} {was} above the general course on {span}; {after}/10 by day {after_day}."
    ),
    "late-onset": (
        "{name} first logged on day {day} ({value}/10), after the days this symptom usually "
        "starts after {kind} (by day {starts_by}). If it is new, it is not part of the expected "
        "course."
    ),
    "red-flag": "{name} logged on day {first_day} ({first_value}/10){still}.",
    "early-darkening": (
        "{name} logged from day {first_day}: some darkening in {window} is an expected part of "
        "healing after {kind}, and usually flakes or fades."
    ),
    "pigment": "{name} logged from day {first_day} ({now}).",
    "group-ended": (
        "{name} logged on {span}, up to {worst}/10; logged {after}/10 on day {after_day}."
    ),
    "persisting-ended": (
        "{name} lasted past {its} expected course ({course}): up to {worst}/10 on {span}; "
        "logged 0 on day {after_day}."
    ),
    "persisting-unlogged-ended": (
        "{name} {was} {value}/10 on day {day} and {was} not logged again until day {after_day} "
        "(0/10); it was expected gone by day {max_days}."
    ),
    "persisting": (
        "{name} {was} still {value}/10 on day {day}, past {its} expected course ({course}).{since}"
    ),
    "persisting-unlogged": (
        "{name} {was} {value}/10 on day {day} and {has} not been logged since; it was expected "
        "gone by day {max_days}. If it is gone, log it as 0."
    ),
    "worsening": (
        "{name} rose to {value}/10 on day {day}, up from {low}/10 {since}: a rebound instead of "
        "fading.{still}"
    ),
    "worsening-ended": (
        "{name} rose to {value}/10 on day {day}, up from {low}/10; back to {after}/10 by day "
        "{after_day}."
    ),
    "missing": ("{name} {was} {value}/10 on day {day} and {has} not been logged for {gap} days."),
    "slower-than-usual": (
        "{name}: {personal}; now day {as_of_day} at {value}/10 (logged on day {day}). Still "
        "inside its expected course (gone by day {max_days})."
    ),
    "aged": (
        "We have not heard about your {noun} since day {day} ({value}/10 then): log it now, or "
        "tell your clinic if you were seen."
    ),
    "high-temperature": (
        "Temperature {reading} on day {day} after {kind}: a fever, {fever}.{highest}"
    ),
    "high-temperature-ended": (
        "Temperature was {fever} on {span}, up to {highest}; {after} on day {after_day}."
    ),
    "high-temperature-aged": (
        "We have not heard about your temperature since day {day} ({reading} then): take it and "
        "log it now, or tell your clinic if you were seen."
    ),
}
# Fragments some messages take when their facts call for them.
FRAGMENTS: dict[str, str] = {
    "now": "{value}/10 on day {day}",
    "eased": "down to ",
    "then": "then ",
    "still-red-flag": ", {now}",
    "not-logged-since": " It has not been logged since; if it is gone, log it as 0.",
    "still-worsening": " Still {value}/10 on day {day}.",
    "highest": " Up to {reading} on day {day}.",
}

ADVICE: dict[str, str] = {
    "expected-strong": (
        "Contact your clinic if it is not easing by day {latest}, and now if it spreads, feels "
        "hot or comes with a fever. {care}"
    ),
    "not-easing": (
        "Contact your clinic soon, and now if it is not easing by day {latest}, spreads, feels "
        "hot or comes with a fever. {care}"
    ),
    "severe": "{urgent}",
    "above-course": (
        "Tell your clinic about it soon, and now if it spreads, feels hot, or comes with pus or "
        "a fever. {care}"
    ),
    "late-onset": (
        "Tell your clinic about a new symptom soon, and now if it spreads, feels hot, or comes "
        "with pus, blisters or a fever."
    ),
    "late-onset-mild": (
        "If it is new, mention it to your clinic; log it each day, and 0 once it is gone."
    ),
    "red-flag": "{urgent} Once it is gone, log it as 0.",
    "early-darkening": (
        "Protect the area from the sun. If it is still there after day {window_last}, raise it "
        "at your follow-up."
    ),
    "pigment": (
        "Pigment changes are not urgent but should be checked: raise it at your follow-up, and "
        "protect the area from the sun."
    ),
    "pigment-after-follow-up": (
        "Pigment changes are not urgent but should be checked: your follow-up was on "
        "{follow_up}, so tell your clinic, and protect the area from the sun."
    ),
    "persisting": (
        "Mention it to your clinic, or at your follow-up. {care} If it is spreading, getting "
        "worse or feels warm, contact your clinic now."
    ),
    "worsening": (
        "A symptom that comes back stronger can be a sign of infection. Contact your clinic "
        "soon, and now if there is pus, fever, spreading redness or growing pain."
    ),
    "missing": "Log it again, even as 0 once it is gone.",
    "slower-than-usual": (
        "Slower than your own earlier recoveries is not a warning sign on its own; mention it "
        "at your follow-up."
    ),
    "aged": "If it is still there, or you are not sure, contact your clinic today.",
    "aged-urgent": (
        "If it is still there, or you are not sure, contact your clinic today. If it is as "
        "strong as then: {before}"
    ),
    "high-temperature": "{urgent}",
    "high-temperature-aged": (
        "If it is still there, or you are not sure, contact your clinic today. If it is as "
        "high as then: {before}"
    ),
}

# How a persisting symptom's course is named: from the sources, or the tracker's default.
COURSE_NO_FIGURE = (
    "no figure for it after {kind}: judged by the general course, gone by day {max_days}"
)
# Said as Status, the report and the chart say a course (Expectation.plain_course).
COURSE_TYPICAL = "most people are {gone}; "  # gone: dates.gone_by(typical_days)
COURSE = "after {kind}, {typical}later than day {max_days} is unusual"


@dataclass(frozen=True)
class Said:
    """What a flag is to say, as facts: the catalogue's ``case`` for its message and for
    its advice, and the figures they name (days, values, the course's figures)."""

    case: str
    advice: str
    figures: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, case: str, advice: str | None = None, **figures: Any) -> Said:
        return cls(case, advice or case, tuple(sorted(figures.items())))

    def to_json(self) -> dict[str, Any]:
        """The case and figures for a face that renders its own words (dates as ISO text)."""
        figures = {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in self.figures
        }
        return {"case": self.case, "advice": self.advice, "figures": figures}


def care_advice(symptom: str, kind: str = "", day: int = 0) -> str:
    """Self-care for a symptom after this treatment on this day (aftercare.care_for)."""
    return " ".join(care_for(kind, day, (symptom,), sun=False))


def urgent_advice(symptom: str) -> str:
    """Contact now, why, and where to go when the clinic cannot be reached."""
    reason = RED_FLAG_REASONS.get(symptom, "")
    parts = [CONTACT_NOW, reason, IF_UNREACHABLE]
    if symptom == "hives":
        parts.append(EMERGENCY)
    return " ".join(part for part in parts if part)


def fragment(name: str, **figures: Any) -> str:
    return FRAGMENTS[name].format(**figures)


def span(first: int, last: int) -> str:
    return day_span(first, last)


def course_words(kind: str, typical_days: int | None, max_days: int, no_figure: bool) -> str:
    """The course a persisting symptom outlasted, in words (or that there is no figure)."""
    said = kind_words(kind)
    if no_figure:  # no source gives a figure for this pair: the day is the tracker's
        return COURSE_NO_FIGURE.format(kind=said, max_days=max_days)
    typical = COURSE_TYPICAL.format(gone=gone_by(typical_days)) if typical_days is not None else ""
    return COURSE.format(typical=typical, max_days=max_days, kind=said)


def say(said: Said, symptom: str, kind: str, as_of_day: int) -> tuple[str, str]:
    """The message and the advice of a flag, from its facts."""
    agree = agreement(symptom)
    common: Mapping[str, Any] = {
        "name": symptom_name(symptom),
        "noun": symptom_name(symptom).lower(),
        "kind": kind_words(kind),
        "is_": agree.is_,
        "was": agree.was,
        "its": agree.its,
        "has": agree.has,
        "as_of_day": as_of_day,
    }
    figures = {**common, **dict(said.figures)}
    if "{care}" in ADVICE.get(said.advice, ""):
        figures["care"] = care_advice(symptom, kind, as_of_day)
    if "{urgent}" in ADVICE.get(said.advice, ""):
        figures["urgent"] = urgent_advice(symptom)
    return MESSAGES[said.case].format(**figures), ADVICE[said.advice].format(**figures)


def follow_up_passed(follow_up: dt.date | None, as_of: dt.date) -> bool:
    return follow_up is not None and follow_up < as_of
