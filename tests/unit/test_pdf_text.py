"""Stored text in the PDFs: shown as typed, never read as markup, whatever it holds; and
the login form's signed token."""

from __future__ import annotations

import io
import resource
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoplan.adapters.pdf import _p
from mesoplan.adapters.pdf_layout import DocumentHeader, build, table
from mesoplan.adapters.pdf_text import UNICODE_FONT, markup, plain, visual_order
from mesoplan.entrypoints.web.login_csrf import (
    LOGIN_FORM_TTL_S,
    login_form_refusal,
    new_login_form,
)

HEADER = DocumentHeader("Clinic <b>&", "Doe, <i>Jane</i>", "1980-01-01", "Record <u>1</u>")


def _text_of(pdf: bytes) -> tuple[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages), reader


def test_markup_is_escaped_and_line_breaks_stay() -> None:
    assert markup('<a href="x">L</a> & <img src="y"/>') == (
        '&lt;a href="x"&gt;L&lt;/a&gt; &amp; &lt;img src="y"/&gt;'
    )
    assert markup("first\r\nsecond\tthird") == "first<br/>second third"


def test_controls_are_shown_by_code_and_emoji_by_name() -> None:
    assert markup("a\x00b\x07c\u202ed") == "a[U+0000]b[U+0007]c[U+202E]d"
    assert markup("ok 😀") == "ok [grinning face]"
    assert markup("👍\u200d") == "[thumbs up sign]"  # a joiner alone is dropped
    assert plain("Ő\nł") == "O [latin small letter l with stroke]"


def test_letters_helvetica_lacks_are_set_in_the_unicode_font() -> None:
    assert markup("Ελλάδα") == f'<font name="{UNICODE_FONT}">Ελλάδα</font>'
    assert markup("Zürich") == "Zürich"  # in Helvetica's own encoding


def test_right_to_left_runs_are_put_in_visual_order() -> None:
    assert visual_order("שלום עולם") == "םלוע םולש"
    assert visual_order("room שלום 12 (x)") == "room םולש 12 (x)"
    assert visual_order("שלום 12 עולם") == "םלוע 12 םולש"  # the number reads left to right
    assert visual_order("(שלום)") == "(םולש)"  # brackets mirrored


def test_a_document_of_hostile_text_builds_and_shows_it() -> None:
    hostile = [
        '<font color="red" size="28">X</font> <a href="javascript:app.alert(1)">L</a>',
        "a<b & c",
        "bell\x07 escape\x1b null\x00 override\u202e end",
        "x" * 5000,
        "שלום עולם and مرحبا",
        "emoji 😀👍🏽🇮🇹 end",
    ]
    story = [_p(t) for t in hostile] + [table([["Product", "Lot"], *[[t, t] for t in hostile]])]
    pdf = build(HEADER, story)
    text, reader = _text_of(pdf)
    squashed = "".join(text.split())
    for t in (hostile[0], hostile[1], "Doe, <i>Jane</i>", "Clinic <b>&"):
        assert "".join(t.split()) in squashed
    assert "[grinningface]" in squashed and "[U+0007]" in squashed
    assert all(not page.get("/Annots") and not page.images for page in reader.pages)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_property_any_text_builds(text: str) -> None:
    limit = 1 << 30
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (min(limit, hard) if hard > 0 else limit, hard))
    try:
        pdf = build(HEADER, [_p(text), table([["a"], [text]])])
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert pdf.startswith(b"%PDF")


SECRET = b"k" * 32


def test_a_login_token_holds_only_with_its_cookie_its_secret_and_in_time() -> None:
    cookie, token = new_login_form(SECRET, 1_000_000.0)
    assert login_form_refusal(SECRET, token, cookie, 1_000_100.0, "same-origin") is None
    assert login_form_refusal(SECRET, token, cookie, 1_000_100.0, None) is None
    assert login_form_refusal(SECRET, token, "tossed", 1_000_100.0, None) == (
        "the form belongs to another browser"
    )
    assert login_form_refusal(b"other" * 8, token, cookie, 1_000_100.0, None) == (
        "the form is not one of ours"
    )
    assert login_form_refusal(SECRET, cookie, cookie, 1_000_100.0, None) == (
        "the form is not one of ours"
    )
    late = 1_000_000.0 + LOGIN_FORM_TTL_S + 1
    assert login_form_refusal(SECRET, token, cookie, late, None) == "the form expired"
    assert login_form_refusal(SECRET, token, cookie, 1_000_100.0, "cross-site") == (
        "the form was sent from another site"
    )
