"""Database URLs as shown to people: never with a password in them."""

from __future__ import annotations

import re

from sqlalchemy.engine import URL

MASK = "***"
# Query options that carry a secret, in the spellings drivers accept.
SECRET_OPTIONS = ("password", "passwd", "pass", "pwd", "sslpassword", "secret", "token")
_USERINFO = re.compile(r"(://[^/?#@]*?:)[^/?#]*@")
_OPTION = re.compile(
    r"((?:^|[?&;\s])(?:" + "|".join(SECRET_OPTIONS) + r")\s*=\s*)('[^']*'|[^&;\s]*)",
    re.IGNORECASE,
)


def mask_text(text: str) -> str:
    """A URL (or connection string) that could not be parsed, with anything secret masked."""
    return _OPTION.sub(lambda m: m.group(1) + MASK, _USERINFO.sub(rf"\g<1>{MASK}@", text))


def mask_url(url: URL) -> str:
    """A parsed URL for people: password and secret query options masked."""
    query = {
        key: (MASK if key.lower() in SECRET_OPTIONS else value) for key, value in url.query.items()
    }
    shown = url.set(query=query).render_as_string(hide_password=False)
    return mask_text(shown) if url.password is None else url.set(query=query).render_as_string()


def secrets_of(url: URL) -> list[str]:
    """Every secret in the URL, so that a driver's error message can be cleaned of them."""
    found = [str(url.password)] if url.password else []
    for key, value in url.query.items():
        if key.lower() in SECRET_OPTIONS:
            found.extend([value] if isinstance(value, str) else list(value))
    return [s for s in found if s]


def scrub(text: str, url: URL) -> str:
    for secret in sorted(secrets_of(url), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return mask_text(text)
