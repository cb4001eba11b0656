"""The catalogue's words about a clinic's accounts (signing in, links, roles), face-neutral."""

from __future__ import annotations

import enum
from typing import Any


class AccountWords(enum.Enum):
    BAD_EMAIL = "That is not an e-mail address."
    SHORT_PASSWORD = "A password is at least {least} characters long."
    LONG_PASSWORD = "A password is at most {most} characters long."
    PASSWORDS_DIFFER = "The two passwords differ; type the same one twice."
    # One answer for a wrong password, an unknown address and a disabled account alike, so
    # that nobody learns from it who has an account here.
    SIGNED_OUT_IDLE = "You were signed out after {minutes} minutes without use; sign in again."
    SIGNED_OUT = "You were signed out; sign in again."
    NOTHING_SAVED = (
        "Nothing was saved: what you sent came after that. Once signed in you are taken back "
        "to that page; send it again there."
    )
    SIGN_IN_FAILED = (
        "That e-mail address and password do not match an account here: check them and try again."
    )
    # Failed tries pause sign-in (tracker.domain.throttle) by the address typed and the
    # network it comes from, never by whether the account exists: this says nothing of that.
    SIGN_IN_PAUSED = (
        "Signing in is paused here for {wait} after too many tries, so nothing typed is "
        "checked until then, not even the right password. Wait, then try again. Forgotten "
        "your password? Use the link below."
    )
    WRONG_CURRENT_PASSWORD = (
        "That is not your password now; nothing was changed. Type the one you sign in with."
    )
    PASSWORD_CHECK_PAUSED = (
        "Your password is not checked here for {wait} after too many wrong ones, not even the "
        "right one, so nothing was changed. Wait, then try again."
    )
    PASSWORD_CHANGED = (
        "Your password is changed. Every other browser or phone signed in to your account "
        "is signed out; sign in there with the new password."
    )
    WRONG_RECOVERY_CODE = (
        "That is not one of your unused recovery codes (each works once); check it, or use another."
    )
    WRONG_CODE = "That code is not the one your authenticator app shows now; try the next one."
    # The code shown now (or an older one) after a code of this step was used: a code works
    # once, so the way on is the app's next code, not a typo's check.
    CODE_USED = (
        "That code has been used already: each code works once. Wait for the next code your "
        "authenticator app shows (a new one every 30 seconds) and type that."
    )
    LINK_UNUSABLE = (
        "This link cannot be used: it was used already, has expired, or was replaced by a "
        "newer one. Ask the clinic for a new link."
    )
    CONSENT_NEEDED = "Tick the box to agree, or ask the clinic first; nothing is recorded before."
    NO_CLINIC_DATABASE = (
        "No clinic database was named, and a clinic's accounts and patients never go into "
        "the personal database; nothing was written."
    )
    NO_PATIENTS = "No patients yet."  # the triage list, empty: each face adds how to invite
    ACCOUNT_EXISTS = "An account for {email} already exists."
    NO_ACCOUNT = "There is no account for {email}."
    ADMIN_EXISTS = "This clinic already has an administrator ({email}); add others with their role."
    STAFF_ROLE = "An account added this way is a clinician or an administrator, not {role!r}."
    PROFILE_TAKEN = (
        "A profile named {name!r} already exists; a patient invited gets a new profile of "
        "their own."
    )
    NOT_A_PATIENT = "{email} is a staff account; a patient is invited with their own address."
    ACCOUNT_ACTIVE = (
        "{email} has set a password already, so they are not invited again. If they cannot "
        "sign in, make them a new sign-in link: it lets them set a new password (the one they "
        "have works until then)."
    )
    ACCOUNT_DISABLED = (
        "The account {email} is disabled: it cannot sign in, and a link would not work. "
        "An administrator can enable it again."
    )
    OWN_LINK = (
        "This is your own account: no link is made for it here. Change your password while "
        "signed in, or ask another administrator."
    )
    # A one-time link staff made for an account that exists (their words about it: the link
    # itself is shown or sent by the face).
    NEW_LINK_MADE = (
        "A new sign-in link for {email}. It works once, until {expires}, and any earlier link "
        "no longer works. Their password works until the link is opened; whoever opens it "
        "sets a new one."
    )
    NEW_LINK_SECOND_FACTOR = (
        "Opening it also sets up their authenticator app anew (for a lost phone): their old "
        "codes and recovery codes stop working."
    )
    LAST_ADMIN = (
        "{email} is the clinic's last active administrator: it stays enabled, or nobody could "
        "manage the staff. Add another administrator first."
    )
    RECOVERY_CODE_USED = (
        "You signed in with a recovery code; it works no more. Codes left: {left}. Make a new "
        "set on your account's recovery codes page."
    )
    BAD_URGENT_CONTACT = (
        "urgent_contact (or TRACKER_URGENT_CONTACT) is the clinic's line for a patient who "
        "cannot reach it when a flag is urgent (for example its on-call number), on one line, "
        "at most {most} characters."
    )
    # The clinic's public address is not this server's, and no proxy in front is declared.
    SERVED_ELSEWHERE = (
        "Warning: the clinic's public address {url} is not where this server listens "
        "({served}), and no proxy in front of it is declared. The one-time links shown and "
        "e-mailed lead to {url}, not here, and a page opened at {served} is refused as "
        "another address."
    )
    NO_STAFF_ACCOUNT = "There is no staff account with that number."
    STAFF_DISABLED = "{email} is disabled: it can no longer sign in, and its sessions ended."
    STAFF_ENABLED = "{email} is enabled: it can sign in again with the password it had."
    # Said once per app process, in the clinic's log, at the first request a proxy forwarded.
    PROXY_NOT_TRUSTED = (
        "A request came through a proxy (it carries {header}), but TRACKER_TRUSTED_PROXIES is "
        "0, so every browser is seen as the proxy's address ({address}): a stranger's wrong "
        "sign-ins pause signing in for every patient and clinician, and the audit log names "
        "the proxy, not the browser. Behind one Caddy or nginx, set TRACKER_TRUSTED_PROXIES=1 "
        "(README, For a clinic, step 2); with no proxy in front, make sure nothing else sends "
        "{header}. Said once per app process."
    )

    def format(self, **values: Any) -> str:
        text: str = self.value
        return text.format(**values)

    def __str__(self) -> str:
        return str(self.value)
