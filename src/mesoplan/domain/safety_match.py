"""Matching free-text allergies and label contraindications against ingredient terms.

Free text is compared leniently, because a missed allergy costs more than an extra
finding (which a practitioner can override with a reason): case and British spellings
(``sulphite``) do not matter, one term may contain the other (``sulfite`` matches
``sodium bisulfite``), a shared significant word matches (``vitamin b12`` matches
``vitamins``), and a few known products and salts expand to what they contain
(:data:`ALLERGY_SYNONYMS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

ALLERGY_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "aminophylline": ("theophylline", "ethylenediamine", "xanthine", "tefamin"),
    "tefamin": ("aminophylline", "theophylline", "ethylenediamine", "xanthine"),
    "theophylline": ("xanthine",),
    "caffeine": ("xanthine",),
    "emla": ("lidocaine", "prilocaine"),
    "lidocaine": ("lignocaine", "emla"),
    "lignocaine": ("lidocaine", "emla"),
    "prilocaine": ("emla",),
    "bisulfite": ("sulfite",),
    "metabisulfite": ("sulfite",),
}
"""Known aliases and contents: an allergy to the key also matches these terms."""

_MIN_CONTAINED = 4
"""Shorter strings must be equal to match (so ``"a"`` does not match everything)."""

_COMMON_WORDS = frozenset(
    {
        "acid",
        "sodium",
        "potassium",
        "calcium",
        "chloride",
        "hydrochloride",
        "salt",
        "extract",
        "water",
        "cream",
        "solution",
        "injection",
        "allergy",
        "derivative",
        "amino",
    }
)


def normalise(term: str) -> str:
    """Lower case, British ``ph`` spellings of sulphur words folded, spaces collapsed."""
    t = term.casefold().strip()
    t = t.replace("sulph", "sulf")
    return re.sub(r"[\s_\-]+", " ", t)


def _words(term: str) -> set[str]:
    words = set()
    for w in re.split(r"[^a-z0-9]+", term):
        if len(w) > 4 and w.endswith("s"):
            w = w[:-1]
        if len(w) >= _MIN_CONTAINED and w not in _COMMON_WORDS:
            words.add(w)
    return words


def _expand(allergy: str) -> set[str]:
    a = normalise(allergy)
    out = {a}
    for key, values in ALLERGY_SYNONYMS.items():
        if key in a:
            out.update(normalise(v) for v in values)
    return out


def terms_match(a: str, b: str) -> bool:
    """Whether two normalised terms name the same substance (leniently)."""
    if a == b:
        return True
    if len(a) >= _MIN_CONTAINED and len(b) >= _MIN_CONTAINED and (a in b or b in a):
        return True
    return any(x in y or y in x for x in _words(a) for y in _words(b))


def allergy_matches(allergies: Iterable[str], terms: Mapping[str, Iterable[str]]) -> list[str]:
    """Each match of an allergy against labelled terms, as ``"allergy 'x' matches
    <label> 'y'"``. ``terms`` maps a label (``"excipient"``) to the terms it holds."""
    out: list[str] = []
    for allergy in allergies:
        expanded = _expand(allergy)
        for label, values in terms.items():
            for value in values:
                if any(terms_match(e, normalise(value)) for e in expanded):
                    out.append(f"allergy {allergy!r} matches {label} {value!r}")
    return out


def contraindication_matches(wanted: Iterable[str], listed: Iterable[str]) -> list[str]:
    """The listed label contraindications that contain one of the wanted phrases."""
    phrases = [normalise(w) for w in wanted]
    return [c for c in listed if any(p and p in normalise(c) for p in phrases)]
