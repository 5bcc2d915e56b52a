"""Compound claims: sentences that assert several outcomes or a causal chain, and the split a
reviewer is offered for them.

Fact-checkers check one proposition at a time. A sentence like "Regular sauna use improves
circulation and lowers the risk of high blood pressure, heart disease, and stroke" asserts
four outcomes; "the heat can cause your blood vessels to dilate, which
can lower your heart rate" is a causal chain. :func:`is_compound` detects both (coordinated
effect verbs, lists of outcome phrases joined by "and", "or" or "as well as", and chain
markers such as "which in turn" and "leading to"); :func:`propose_split` offers parts that
read as sentences on their own (the subject, the verb and one outcome), each with the span
of the sentence it comes from. The proposal is a draft: the reviewer words the parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewtools.claims.vocab import EFFECT, OUTCOME

CHAIN = re.compile(r",?\s*\b(?:which (?:in turn )?(?:can |may |could |will |helps? to |then )?"
                   r"(?=\w+(?:s|es)?\b)|leading to|which leads to|resulting in|which results in"
                   r"|thereby|in turn|and (?:this|that) (?:can |may )?(?:leads?|results?) (?:to|in)"
                   r"|as a result,?|so that|,? so (?=you\b|your\b|the\b|it\b)"
                   r"|this (?:can |may )?(?:leads?|results?) (?:to|in))",
                   re.IGNORECASE)
_JOIN = r"(?:and|or|as well as|plus|along with)"
COORD = re.compile(rf",\s*{_JOIN}\s+|\s+{_JOIN}\s+|,\s*", re.IGNORECASE)
SUBJECT_END = re.compile(r"\b(?:can|may|might|could|will|would|should|has been|have been|has|"
                         r"have|is|are|was|were|helps?|appears? to|seems? to|also|not only)\b",
                         re.IGNORECASE)
LEAD = re.compile(r"^\s*(?:[A-Z][\w' -]{0,60}:\s+(?=[A-Z]))?(?:(?:additionally|also|lastly|"
                  r"finally|moreover|furthermore|in addition|"
                  r"however|overall|in summary|plus|and|but|as a result|this is because)\b,?\s*)*"
                  r"(?:.{0,80}?\b(?:is|are|show|shows|suggest|suggests|found|indicate|indicates|"
                  r"believe|claim|claims)\s+that\s+)?", re.IGNORECASE)
HELPER = re.compile(r"(?:help(?:s|ing|ed)?|serves? to|works? to)\s+(?:to\s+)?(?=\w)",
                    re.IGNORECASE)
LISTED = re.compile(r",?\s*\b(?:including|such as|like)\s+", re.IGNORECASE)
MAX_PARTS = 12


@dataclass(frozen=True)
class Part:
    """A proposed split part: its wording and the span of the sentence it comes from
    (offsets within the sentence)."""

    text: str
    start: int
    end: int


def _chain_at(text: str) -> re.Match[str] | None:
    m = CHAIN.search(text)
    after = text[m.end():] if m else ""
    return m if m and (EFFECT.search(after) or OUTCOME.search(after)) \
        and EFFECT.search(text[:m.start()]) else None


def _items(phrase: str) -> list[tuple[int, int]]:
    """Spans of the coordinated items of ``phrase`` (one span if it is not a list)."""
    spans, pos = [], 0
    for m in COORD.finditer(phrase):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(phrase)))
    return [(a, b) for a, b in spans if phrase[a:b].strip()]


def _verb_phrases(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of coordinated verb phrases from ``start``: a new phrase begins where a
    coordinator is followed by an effect verb ('improve X and lower Y')."""
    cuts = [start]
    for m in COORD.finditer(text, start):
        nxt = re.match(r"\s*(?:to\s+|also\s+|even\s+)?(\w+)", text[m.end():])
        if nxt and EFFECT.fullmatch(nxt.group(1)) and m.start() > cuts[-1]:
            cuts.append(m.end())
    ends = [c for c in cuts[1:]]
    spans = []
    for i, c in enumerate(cuts):
        end = len(text) if i == len(cuts) - 1 else _coord_start(text, ends[i])
        spans.append((c, end))
    return spans


def _coord_start(text: str, after: int) -> int:
    """Where the coordinator that ends just before ``after`` begins."""
    head = text[:after]
    m = re.search(rf"(?:,\s*{_JOIN}\s+|\s+{_JOIN}\s+|,\s*)\Z", head, re.IGNORECASE)
    return m.start() if m else after


def _outcome_items(phrase: str) -> list[tuple[int, int]]:
    """The outcome items of a verb phrase's object, when it lists two or more."""
    verb = EFFECT.search(phrase)
    obj_start = verb.end() if verb else 0
    head = re.match(r"\s*(?:to\s+\w+\s+)?(?:with\s+|from\s+)?(?:(?:a (?:variety|range|number|host)"
                    r" of [\w ]+?,?\s+)?(?:including|such as|like)\s+)?(?:(?:the |your |a )?"
                    r"(?:risk|chances?|symptoms?|levels?|effects?|signs?) of\s+)?",
                    phrase[obj_start:])
    if head:
        obj_start += head.end()
    items = [(obj_start + a, obj_start + b) for a, b in _items(phrase[obj_start:])]
    items = [(a, b) for a, b in items if OUTCOME.search(phrase[a:b])
             and len(phrase[a:b].split()) <= 8]
    return items if len(items) >= 2 else []


def is_compound(text: str) -> bool:
    """True if the sentence asserts two or more outcomes or a causal chain."""
    return len(propose_split(text)) >= 2


def _subject(text: str) -> tuple[str, int]:
    """The sentence's subject (leading connectives dropped) and where its predicate starts."""
    lead = LEAD.match(text)
    begin = lead.end() if lead else 0
    verb = next((m for m in EFFECT.finditer(text, begin) if not _nominal(text, m, begin)), None)
    aux = SUBJECT_END.search(text, begin)
    cut = min(m.start() for m in (verb, aux) if m) if (verb or aux) else begin
    subject = text[begin:cut].strip(" ,")
    return (subject[:1].upper() + subject[1:]) if subject else "", cut


def _part(wording: str, text: str, a: int, b: int) -> Part:
    """A part with its span trimmed of spaces and punctuation at either end."""
    while a < b and text[a] in " ,;:.":
        a += 1
    while b > a and text[b - 1] in " ,;:.":
        b -= 1
    return Part(_sentence(wording), a, b)


_DETERMINERS = {"the", "these", "those", "its", "their", "numerous", "many", "health", "main",
                "key", "of", "a", "an", "this", "some", "other", "such", "your", "our", "for"}


def _nominal(text: str, verb: re.Match[str], begin: int) -> bool:
    """True if an effect-verb match is a noun or the subject ('these benefits', a gerund
    opening the sentence: 'Stimulating the point ...')."""
    before = re.findall(r"[A-Za-z]+", text[begin:verb.start()])
    if before and before[-1].lower() in _DETERMINERS:
        return True
    return verb.start() == begin and verb.group(0).lower().endswith("ing")


def _sentence(words: str) -> str:
    words = re.sub(r"\s+", " ", words).strip(" ,;:.")
    words = re.sub(r"\b(\w+) \1\b", r"\1", words, flags=re.IGNORECASE)  # "help help"
    return (words[:1].upper() + words[1:] + ".") if words else ""


def propose_split(text: str) -> list[Part]:
    """Self-contained parts of a compound sentence (an empty list if it is not compound)."""
    text = text[:2000]
    subject, pred = _subject(text)
    if not subject or pred >= len(text):
        return []
    clauses = [(pred, len(text))]
    chain = _chain_at(text)
    if chain and chain.start() > pred:
        clauses = [(pred, chain.start()), (chain.end(), len(text))]
    parts: list[Part] = []
    for ci, (c_start, c_end) in enumerate(clauses):
        clause = text[c_start:c_end]
        first_verb = EFFECT.search(clause)
        listed = LISTED.search(clause)
        if not first_verb and ci == 0 and listed:  # "is linked to issues, including A, B"
            for a, b in _items(clause[listed.end():]):
                a, b = a + listed.end(), b + listed.end()
                if OUTCOME.search(clause[a:b]):
                    head = re.sub(r"\b(?:a|an) (?:wide )?(?:range|variety|number|host|list) of "
                                  r"[\w -]+$", "", clause[:listed.start()].strip(" ,"))
                    parts.append(_part(f"{subject} {head.strip()} {clause[a:b]}", text,
                                       c_start + a, c_start + b))
            continue
        if not first_verb and ci == 0:
            continue
        if not first_verb:  # "..., leading to healthier skin and shinier hair"
            for a, b in _items(clause):
                if OUTCOME.search(clause[a:b]):
                    parts.append(_part(f"{subject} leads to {clause[a:b]}", text,
                                       c_start + a, c_start + b))
            continue
        aux = clause[:first_verb.start()] if ci == 0 else _chain_aux(text, chain)
        v_from = first_verb.start()
        helper = HELPER.match(clause, first_verb.start())
        if helper:  # "helping to relieve X, relax Y": every part keeps "helping to"
            aux, v_from = aux + helper.group(0), helper.end()
            if ci == 0 and text[:pred].rstrip().endswith(","):
                aux = ", " + aux
        for v_start, v_end in _verb_phrases(clause, v_from):
            phrase = clause[v_start:v_end]
            items = _outcome_items(phrase)
            verb_part = phrase[:items[0][0]] if items else phrase
            for a, b in items or [(len(phrase), len(phrase))]:
                wording = f"{subject}{'' if aux.startswith(',') else ' '}{aux}{verb_part}" \
                          f"{phrase[a:b]}"
                span = (c_start + v_start + a, c_start + v_start + b) if items \
                    else (c_start + v_start, c_start + v_end)
                parts.append(_part(wording, text, *span))
    unique = list({p.text.lower(): p for p in parts}.values())
    return unique[:MAX_PARTS] if len(unique) >= 2 else []


def _chain_aux(text: str, chain: re.Match[str] | None) -> str:
    """The modal a chain clause carries ('which can lower' -> 'can ')."""
    if chain is None:
        return ""
    m = re.search(r"\b(can|may|could|will|helps? to)\s+$", chain.group(0), re.IGNORECASE)
    return f"{m.group(1)} " if m else ""
