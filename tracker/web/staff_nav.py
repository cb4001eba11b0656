"""The links in the header of a hosted clinic's staff pages: who is signed in, and the
pages they reach (Triage, Invite a patient, the audit log, and each page another module
adds with ``add_link``: the header template names none itself).

    staff_nav.add_link(app, "staff_accounts", "Staff accounts", roles=(Role.ADMIN,))
    staff_nav.add_link(app, "password_page", "Change password",
                       roles=(Role.ADMIN, Role.CLINICIAN), section="account")

``section``: "pages" (the row of staff pages, in the order added) or "account" (next to
"Signed in as": the signed-in person's own account). A link shows to the roles given only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from flask import Flask, current_app, request, url_for

from tracker.domain.accounts import Role

Section = Literal["pages", "account"]
ROLE_WORDS = {Role.ADMIN: "administrator", Role.CLINICIAN: "clinician", Role.PATIENT: "patient"}


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: str
    roles: frozenset[str]
    section: Section

    @property
    def href(self) -> str:
        return url_for(self.endpoint)

    @property
    def current(self) -> bool:
        return request.endpoint == self.endpoint


def add_link(
    app: Flask, endpoint: str, label: str, *, roles: Iterable[str], section: Section = "pages"
) -> None:
    """One more link in the staff header, for these roles."""
    found: list[NavLink] = app.extensions.setdefault("tracker.staff_nav", [])
    found.append(NavLink(endpoint, label, frozenset(str(role) for role in roles), section))


def links(section: Section = "pages") -> list[NavLink]:
    """The header's links in this section for the signed-in account's role."""
    from tracker.web.hosted import actor

    account = actor()
    if account is None:
        return []
    found: list[NavLink] = current_app.extensions.get("tracker.staff_nav", [])
    role = account.role.value
    return [link for link in found if link.section == section and role in link.roles]


def role_words(role: Role) -> str:
    return ROLE_WORDS[role]


def register(app: Flask) -> None:
    app.jinja_env.globals.update(staff_links=links, role_words=role_words)
