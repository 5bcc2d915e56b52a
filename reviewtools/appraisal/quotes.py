"""Is a link's quote in the study's stored abstract? Matching that forgives typography only.

Both texts are normalised the same way: Unicode compatibility forms, every dash and minus
to ``-``, curly quotes to straight ones, section labels (``BACKGROUND:``, ``Methods:``,
a heading on its own line) dropped, whitespace collapsed. Nothing else is forgiven: a
changed word, number or sign is a mismatch. A quote may skip text with an ellipsis
(``...``); its parts must then appear in order.

>>> quote_in("effects. CONCLUSIONS: Yoga \\u2013 helped",
...          "effects.\\nConclusions\\nYoga - helped")
True
>>> quote_in("Yoga hindered", "Yoga helped")
False
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from reviewtools.model.records import Claim

LABELS = (
    "background", "backgrounds", "introduction", "context", "objective", "objectives", "aim",
    "aims", "purpose", "purposes", "goal", "importance", "rationale", "hypothesis", "methods",
    "method", "materials and methods", "methods and materials", "patients and methods",
    "subjects and methods", "material and methods", "methodology", "design", "study design",
    "setting", "settings", "participants", "patients", "subjects", "population",
    "intervention", "interventions", "measurements", "main outcome measures",
    "outcome measures", "main outcomes and measures", "data sources", "study selection",
    "data extraction", "data synthesis", "data collection", "data analysis", "analysis",
    "evidence acquisition", "evidence synthesis", "search methods", "selection criteria",
    "data collection and analysis", "main results", "results", "result", "findings",
    "key findings", "conclusion", "conclusions", "authors' conclusions", "discussion",
    "implications", "clinical implications", "implications for practice",
    "relevance to clinical practice", "limitations", "trial registration", "registration",
    "clinical trial registration", "summary", "abstract", "level of evidence", "significance",
)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63"
                                 "\uff0d"), "-")
_QUOTES = {**dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'"),
           **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"')}
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_LABEL_ALT = "|".join(re.escape(label).replace("\\ ", r"\s+")
                      for label in sorted(LABELS, key=len, reverse=True))
# a label with a colon anywhere, or a label alone on its line (a heading)
_LABEL_COLON = re.compile(rf"(?i)(?<![\w'])(?:{_LABEL_ALT})\s*:\s*")
_LABEL_LINE = re.compile(rf"(?im)^[ \t]*(?:{_LABEL_ALT})[ \t]*$")
_TIGHT = re.compile(r"\s*([-<>=\u2264\u2265\u00b1/])\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\s*\.\s*\.|\u2026|\[\s*\.\.\.\s*\])\s*")


def normalise(text: str) -> str:
    """The text as compared: see the module docstring."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.translate(_DASHES).translate(_QUOTES)
    text = _LABEL_LINE.sub(" ", text)
    text = _LABEL_COLON.sub(" ", text)
    text = _TIGHT.sub(r"\1", text)  # "10 - 20", "P < 0.05": spacing differs between copies
    return " ".join(text.split())


def _parts(quote: str) -> list[str]:
    return [p for p in (normalise(x) for x in _ELLIPSIS.split(quote)) if p]


def quote_in(quote: str, source: str) -> bool:
    """Whether every part of ``quote`` is in ``source``, in order (after :func:`normalise`)."""
    haystack = normalise(source)
    parts = _parts(quote)
    pos = 0
    for part in parts:
        found = haystack.find(part, pos)
        if found < 0:
            return False
        pos = found + len(part)
    return bool(parts)


@dataclass(frozen=True)
class Nearest:
    """The passage of the source most like a quote, and how alike (0-100)."""

    passage: str
    score: float


def nearest_passage(quote: str, source: str, width: int = 160) -> Nearest:
    """The stretch of ``source`` that best matches ``quote`` (for a problem message)."""
    needle, haystack = normalise(quote), normalise(source)
    if not needle or not haystack:
        return Nearest("", 0.0)
    hit = fuzz.partial_ratio_alignment(needle, haystack)
    start = haystack.rfind(" ", 0, hit.dest_start) + 1  # whole words at both ends
    end = haystack.find(" ", hit.dest_end)
    passage = haystack[start:end if end >= 0 else len(haystack)]
    if len(passage) > width:
        passage = passage[:width - 3].rstrip() + "..."
    return Nearest(passage, round(hit.score, 1))


def quote_problem(quote: str, source: str) -> str | None:
    """``None`` when ``quote`` is in ``source``; else a message naming the nearest passage."""
    if quote_in(quote, source):
        return None
    near = nearest_passage(quote, source)
    return (f'is not in its stored {{kind}}; nearest passage ({near.score:.0f}% alike): '
            f'"{near.passage}"')


def link_quote_problems(claim: Claim, texts: dict[str, tuple[str, str]]
                        ) -> tuple[list[tuple[str, str]], set[str]]:
    """Check each link of ``claim`` against ``texts`` (``{key: (kind, text)}``).

    Returns ``(key, message)`` for each quote not found, and the cited keys that have no
    stored text to check against.
    """
    problems: list[tuple[str, str]] = []
    unchecked: set[str] = set()
    for link in claim.links:
        if link.key not in texts:
            unchecked.add(link.key)
            continue
        kind, text = texts[link.key]
        message = quote_problem(link.quote, text)
        if message:
            problems.append((link.key, f"quote of '{link.key}' " + message.format(kind=kind)))
    return problems, unchecked
