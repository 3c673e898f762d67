"""Stored text made printable for the PDFs, and never read as markup.

reportlab's ``Paragraph`` reads its text as markup (``<font>``, ``<a href>``, ``<img>``):
:func:`markup` turns any stored text into markup that can only show that text. ``<``,
``>`` and ``&`` are escaped; a line break stays a line break; other control and format
characters (bidi overrides, zero-width characters) are shown as ``[U+202E]``; letters
that Helvetica lacks (Greek, Cyrillic, Hebrew, Arabic, most of Latin Extended) are set in
DejaVu Sans, the font that matplotlib ships; right-to-left runs are put in visual order
(Arabic letters stay unjoined); what neither font can draw (emoji) is printed by its
Unicode name, ``[grinning face]``. The only markup in a document is the application's.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

UNICODE_FONT = "MesoplanSans"
"""The name DejaVu Sans is registered under with reportlab."""
_JOINERS = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}
"""Dropped: they only join or style their neighbours (emoji sequences, Persian words)."""
_RTL = {"R", "AL"}
_RTL_INNER = {"WS", "ON", "CS", "ES", "ET", "NSM", "EN", "AN", "BN"}
_MIRROR = str.maketrans("()[]{}<>«»", ")(][}{><»«")


@cache
def unicode_font() -> str | None:
    """Register DejaVu Sans (from matplotlib's data) once; its name, or None without it."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    if not path.is_file():
        return None
    pdfmetrics.registerFont(TTFont(UNICODE_FONT, str(path)))
    return UNICODE_FONT


@cache
def _unicode_glyphs() -> frozenset[int]:
    if unicode_font() is None:
        return frozenset()
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(UNICODE_FONT).face
    # Beyond the BMP, reportlab writes a broken ToUnicode entry: such glyphs go by name.
    return frozenset(c for c in face.charToGlyph if c < 0x10000)


def _helvetica(ch: str) -> bool:
    try:
        ch.encode("cp1252")  # Helvetica's WinAnsi encoding
    except UnicodeEncodeError:
        return False
    return ch >= " " and ch != "\x7f"


def _named(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"[{name.lower()}]" if name else f"[U+{ord(ch):04X}]"


def _fallback(ch: str) -> str:
    """A readable stand-in for a character no font here can draw."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and all(_helvetica(c) for c in base):
        return base
    return _named(ch)


def _runs(text: str) -> list[tuple[bool, str]]:
    """``(in the Unicode font, text)`` runs; newlines kept, everything else printable."""
    glyphs = _unicode_glyphs()
    out: list[tuple[bool, str]] = []

    def put(wide: bool, piece: str) -> None:
        if out and out[-1][0] == wide:
            out[-1] = (wide, out[-1][1] + piece)
        else:
            out.append((wide, piece))

    for ch in unicodedata.normalize("NFC", text):
        if ch in _JOINERS or ch == "\r":
            continue
        if ch == "\n":
            put(False, "\n")
        elif ch == "\t":
            put(False, " ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            put(False, f"[U+{ord(ch):04X}]")
        elif _helvetica(ch):
            put(False, ch)
        elif ord(ch) in glyphs:
            put(True, ch)
        else:
            put(False, _fallback(ch))
    return out


def _reverse_run(run: str) -> str:
    """A right-to-left run in visual order; numbers inside it still read left to right."""
    tokens: list[str] = []
    for ch in run:
        digit = unicodedata.bidirectional(ch) in ("EN", "AN")
        if tokens and digit and tokens[-1][-1:].isdigit():
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return "".join(t if t[-1:].isdigit() else t.translate(_MIRROR) for t in reversed(tokens))


def visual_order(line: str) -> str:
    """Each right-to-left stretch of ``line`` reversed for left-to-right drawing."""
    out, i, n = [], 0, len(line)
    while i < n:
        if unicodedata.bidirectional(line[i]) not in _RTL:
            out.append(line[i])
            i += 1
            continue
        end = j = i
        while j < n and unicodedata.bidirectional(line[j]) in _RTL | _RTL_INNER:
            if unicodedata.bidirectional(line[j]) in _RTL:
                end = j
            j += 1
        out.append(_reverse_run(line[i : end + 1]))
        i = end + 1
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: object) -> str:
    """``text`` as Paragraph markup that shows exactly that text (see the module doc)."""
    lines = "\n".join(visual_order(line) for line in str(text).split("\n"))
    parts = []
    for wide, piece in _runs(lines):
        safe = _escape(piece).replace("\n", "<br/>")
        parts.append(f'<font name="{UNICODE_FONT}">{safe}</font>' if wide else safe)
    return "".join(parts)


def plain(text: object) -> str:
    """``text`` for a plain string in Helvetica (a drawing's label): one line, every
    character drawable."""
    lines = " ".join(visual_order(line) for line in str(text).split("\n"))
    return "".join(
        "".join(_fallback(c) for c in piece) if wide else piece.replace("\n", " ")
        for wide, piece in _runs(lines)
    )
