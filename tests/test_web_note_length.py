"""The check-in's note: a phone cannot type more than the form says (maxlength), and the
longest note it can type, in the script that takes the most bytes, is taken whole: never
the "larger than 64 KB" page that loses what was typed (fresh eyes 3, F12)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from conftest import TODAY, Run
from web_support import Browser

from tracker.web.security import MAX_BODY_BYTES


def test_the_longest_note_a_phone_can_type_is_saved_whole(
    db_url: str, session_id: int, run: Run
) -> None:
    web = Browser(db_url, TODAY)
    try:
        assert web.sign_in().status_code == 303
        page = web.get("/").get_data(as_text=True)
        form = page.split('action="/checkin"', 1)[1].split("</form>", 1)[0]
        (most,) = re.findall(r'<textarea[^>]* name="note"[^>]* maxlength="(\d+)"', form)
        assert f"at most {int(most):,} characters" in page  # said before sending
        # A CJK character: 3 bytes of UTF-8, 9 once urlencoded, one unit of maxlength.
        note = "漢" * int(most)
        symptoms = sorted(set(re.findall(r'name="(value-[a-z-]+)" value="\d', form)))
        care = re.findall(r'name="care" value="([^"]+)"', form)
        assert symptoms and care
        session = re.search(r'name="session" value="(\d+)"', form)
        assert session is not None
        sent = {"date": TODAY.isoformat(), "session": session.group(1), "note": note}
        sent.update({name: "10" for name in symptoms})
        fullest = [*sent.items(), *(("care", key) for key in care), ("csrf", "x" * 64)]
        assert len(urlencode(fullest)) < MAX_BODY_BYTES  # every field at its fullest fits
        answer = web.client.post(
            "http://127.0.0.1:8765/checkin",
            data=urlencode([*fullest[:-1], ("csrf", web.keys.csrf_token)]),
            content_type="application/x-www-form-urlencoded",
        )
        assert answer.status_code == 303, answer.get_data(as_text=True)[:400]
    finally:
        web.close()
    exported = json.loads(run("export", "--format", "json").stdout)
    assert note in json.dumps(exported, ensure_ascii=False)
