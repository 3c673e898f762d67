"""The login form's CSRF token: signed by the server, bound to the browser, dated.

Before anyone is signed in there is no session to derive a token from, so the login page
sets a cookie holding a random nonce and puts ``<issued>.<nonce>.<mac>`` in the form,
where ``mac`` is an HMAC-SHA256 of the issue time and the nonce under the app's secret
(``MESOPLAN_SECRET_KEY``). A post is accepted only when the mac is the server's, the
token is at most :data:`LOGIN_FORM_TTL_S` old and its nonce is the cookie's: a cookie
tossed in from a neighbouring page (another port of the same host) with a value of its
own making is refused. A browser that says where a post comes from
(``Sec-Fetch-Site``) must say ``same-origin``: a neighbour that fetched a genuine pair
for itself cannot post it either.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

LOGIN_FORM_TTL_S = 2 * 3600
"""How long a login form may stay open before its post is refused."""
CLOCK_SKEW_S = 60
ALLOWED_FETCH_SITES = ("same-origin", "none")
"""``Sec-Fetch-Site`` values a login post may carry (``none``: typed or bookmarked)."""


def _mac(secret: bytes, issued: int, nonce: str) -> str:
    message = f"mesoplan-login|{issued}|{nonce}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def new_login_form(secret: bytes, now: float) -> tuple[str, str]:
    """``(cookie value, form token)`` for a fresh login page."""
    nonce = secrets.token_urlsafe(24)
    issued = int(now)
    return nonce, f"{issued}.{nonce}.{_mac(secret, issued, nonce)}"


def login_form_refusal(
    secret: bytes, token: str, cookie: str, now: float, fetch_site: str | None
) -> str | None:
    """Why a login post is refused, or None when its token holds."""
    if fetch_site is not None and fetch_site.lower() not in ALLOWED_FETCH_SITES:
        return "the form was sent from another site"
    issued_text, _, rest = token.partition(".")
    nonce, _, mac = rest.partition(".")
    if not (issued_text.isdigit() and nonce and mac):
        return "the form is not one of ours"
    issued = int(issued_text)
    if not hmac.compare_digest(mac, _mac(secret, issued, nonce)):
        return "the form is not one of ours"
    if not cookie or not hmac.compare_digest(nonce, cookie):
        return "the form belongs to another browser"
    if not -CLOCK_SKEW_S <= now - issued <= LOGIN_FORM_TTL_S:
        return "the form expired"
    return None
