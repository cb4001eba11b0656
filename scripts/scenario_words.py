"""Every word the flags say in every clinical scenario of tests/scenarios/, as one text.

    python scripts/scenario_words.py > before.txt     # on one commit
    python scripts/scenario_words.py > after.txt      # on another
    cmp before.txt after.txt                          # the same bytes: the same words

For each scenario, on every day from its session to three days past its last log or
expectation, it writes the domain's flags (each rule's episodes, and the one flag per
symptom, active and resolved, as JSON with their words and facts) and the status (as
JSON, and as `tracker status` prints it). A change meant to move words around without
changing them (issue 22: the wording step apart from detection) must leave it identical.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from tracker.domain.expectations import Expectations, shipped_table
from tracker.domain.flags import episodes, evaluate, evaluate_sessions
from tracker.domain.records import SessionRecord, ValueRecord
from tracker.domain.status import build_status

# The scenarios are read as the tests read them (tests/scenario_support.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from scenario_support import FOLDER, START
from scenario_support import load as _scenario
from scenario_support import temperatures as _temperatures
from scenario_support import values as _values


def _days(scenario: dict[str, Any]) -> range:
    last = max(
        [log["day"] for log in scenario.get("log", ())]
        + [expect["day"] for expect in scenario.get("expect", ())]
        + [0]
    )
    return range(0, last + 4)


def _status_lines(status: Any) -> list[str]:
    """What `tracker status` says of the flags, without the command line's layout."""
    lines = [status.summary, *status.advice, *status.care]
    lines += [s.describe() for s in status.symptoms]
    for flag in status.flags:
        lines += [flag.message, *flag.reasons, flag.advice]
    return lines


def words(path: Path) -> list[str]:
    scenario = _scenario(path)
    session = SessionRecord(1, START, scenario["kind"])
    expect_for = Expectations(shipped_table()).for_pair
    values, measured = _values(scenario), _temperatures(scenario)
    out = [f"# {path.name}"]
    for day in _days(scenario):
        as_of = START + dt.timedelta(days=day)
        found = evaluate(session, values, expect_for, as_of, temperatures=measured)
        each = episodes(session, values, expect_for, as_of, temperatures=measured)
        status = build_status(session, values, expect_for, as_of, temperatures=measured)
        out.append(f"## day {day}")
        out.append(json.dumps([f.to_json() for f in found], ensure_ascii=False, sort_keys=True))
        out.append(json.dumps([f.to_json() for f in each], ensure_ascii=False, sort_keys=True))
        out.append(json.dumps(status.to_json(), ensure_ascii=False, sort_keys=True))
        out.extend(_status_lines(status))
    return out


# A few timelines beside the scenario files, so that every sentence of the catalogue is said
# at least once (the files alone leave ended episodes, a pigment change after the follow-up
# and the comparison with one's own earlier sessions unsaid).
EXTRA: list[dict[str, Any]] = [
    {
        "kind": "peel-superficial",
        "log": [{"day": 1, "values": {"pain": 5}}, {"day": 2, "values": {"pain": 2}}],
    },
    {
        "kind": "ipl",
        "log": [{"day": 3, "values": {"blistering": 2}}, {"day": 4, "values": {"blistering": 0}}],
    },
    {
        "kind": "peel-superficial",
        "log": [{"day": 9, "values": {"redness": 3}}, {"day": 11, "values": {"redness": 0}}],
    },
    {
        "kind": "peel-superficial",
        "log": [{"day": 5, "values": {"redness": 3}}, {"day": 12, "values": {"redness": 0}}],
    },
    {"kind": "ipl", "log": [{"day": 5, "values": {"itching": 8}}]},
    {
        "kind": "laser-rejuvenation",
        "log": [
            {"day": 4, "values": {"redness": 1}},
            {"day": 5, "values": {"redness": 4}},
            {"day": 6, "values": {"redness": 1}},
        ],
    },
    {"kind": "co2-ablative", "follow_up": 20, "log": [{"day": 30, "values": {"darkening": 3}}]},
]


def _extra_words(number: int, scenario: dict[str, Any]) -> list[str]:
    follow_up = scenario.get("follow_up")
    session = SessionRecord(
        1,
        START,
        scenario["kind"],
        follow_up=START + dt.timedelta(days=follow_up) if follow_up is not None else None,
    )
    expect_for = Expectations(shipped_table()).for_pair
    values = _values(scenario)
    out = [f"# extra {number}"]
    for day in _days(scenario):
        as_of = START + dt.timedelta(days=day)
        found = episodes(session, values, expect_for, as_of)
        out.append(json.dumps([f.to_json() for f in found], ensure_ascii=False, sort_keys=True))
    # One's own earlier course: redness gone by day 2 last time, still 2/10 on day 5 now.
    earlier = SessionRecord(2, START - dt.timedelta(days=60), scenario["kind"])
    history = {
        1: values,
        2: [
            ValueRecord(2, earlier.date + dt.timedelta(days=d), d, "redness", v)
            for d, v in ((0, 4), (2, 0))
        ],
    }
    judged = evaluate_sessions(
        [earlier, session], history, expect_for, START + dt.timedelta(days=5)
    )
    out.append(json.dumps([f.to_json() for f in judged[1]], ensure_ascii=False, sort_keys=True))
    return out


def main() -> int:
    for path in sorted(FOLDER.glob("*.toml")):
        sys.stdout.write("\n".join(words(path)) + "\n")
    for number, scenario in enumerate(EXTRA, start=1):
        sys.stdout.write("\n".join(_extra_words(number, scenario)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
