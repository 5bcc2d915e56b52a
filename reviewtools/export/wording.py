"""Calibrated wording: draft an evidence statement from GRADE certainty and direction.

The phrasing follows GRADE's guidance on informative statements (Santesso et al.,
J Clin Epidemiol 2020;119:126-135): the verb carries the certainty.

========  ============================  ==============================================
certainty  effect in the claimed way     little or no effect
========  ============================  ==============================================
high       X reduces Y                   X results in little to no difference in Y
moderate   X probably reduces Y          X probably results in little to no difference
low        X may reduce Y                X may result in little to no difference in Y
very low   The evidence is very uncertain about the effect of X on Y.
========  ============================  ==============================================

A reviewer's own statement (``claim.statement``) is stored and always preferred.

>>> draft_statement("low", "supports", "sleep quality", "yoga")
'Yoga may improve sleep quality.'

The intervention's name, and whether less of an outcome is better, come from the
review's protocol (:class:`reviewtools.model.protocol.Protocol`) when one is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reviewtools.model.protocol import Protocol
from reviewtools.model.records import Claim, Study

DEFAULT_INTERVENTION = "the intervention"  # when the review has no protocol
DIRECTIONS = ("supports", "contradicts", "no effect", "mixed", "none")
# Outcomes where the claimed benefit is a decrease ("reduces pain"), not an increase.
LOWER_IS_BETTER = (
    "pain", "soreness", "stress", "anxiety", "depress", "fatigue", "tension", "swelling",
    "oedema", "edema", "blood pressure", "heart rate", "cortisol", "insomnia", "cramp",
    "stiffness", "nausea", "discomfort", "symptom", "agitation", "inflammation",
)
MAX_OUTCOMES = 3  # outcomes named in a drafted statement; the rest are counted


@dataclass(frozen=True)
class Verb:
    """An English verb in the forms a statement needs."""

    base: str      # "reduce"
    third: str     # "reduces"

    def form(self, certainty: str, negative: bool = False) -> str:
        """'reduces', 'probably reduces', 'may reduce', or their negations."""
        if negative:
            return {"high": f"does not {self.base}", "moderate": f"probably does not {self.base}",
                    "low": f"may not {self.base}"}[certainty]
        return {"high": self.third, "moderate": f"probably {self.third}",
                "low": f"may {self.base}"}[certainty]


REDUCE = Verb("reduce", "reduces")
IMPROVE = Verb("improve", "improves")


def verb_for(outcome: str, protocol: Protocol | None = None) -> Verb:
    """``reduce`` for outcomes where less is better, else ``improve``.

    The protocol's outcome direction decides when the outcome is one of its outcomes;
    otherwise a general list of outcomes where less is better (pain, anxiety...).
    """
    named = protocol.outcomes_in(outcome) if protocol else []
    if named:
        return REDUCE if named[0].direction == "lower is better" else IMPROVE
    low = outcome.lower()
    return REDUCE if any(word in low for word in LOWER_IS_BETTER) else IMPROVE


def direction(stances: Iterable[str]) -> str:
    """Direction of a body of evidence from its link stances.

    Returns one of :data:`DIRECTIONS`: ``supports``/``contradicts``/``no effect`` when
    every non-background study agrees, ``mixed`` when they differ (or one is mixed),
    ``none`` when there is nothing but background.
    """
    found = {s for s in stances if s != "background"}
    if not found:
        return "none"
    if len(found) == 1:
        return found.pop()
    return "mixed"


def join_phrases(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c' (order kept, duplicates dropped, case-insensitively)."""
    seen: dict[str, str] = {}
    for item in items:
        text = " ".join(str(item).split())
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    out = list(seen.values())
    if len(out) <= 1:
        return out[0] if out else ""
    return ", ".join(out[:-1]) + " and " + out[-1]


def outcomes_of(claim: Claim) -> list[str]:
    """Distinct outcomes the claim's evidence measured: direct links first, then indirect,
    background links only if there is nothing else."""
    links = [lk for lk in claim.links if lk.stance != "background"] or list(claim.links)
    ordered = [lk for lk in links if lk.directness == "direct"] + \
        [lk for lk in links if lk.directness != "direct"]
    seen: dict[str, str] = {}
    for lk in ordered:
        text = " ".join(lk.outcome.split())
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def outcome_phrase(claim: Claim) -> str:
    """The outcomes of :func:`outcomes_of` as one phrase ('pain and sleep quality')."""
    return join_phrases(outcomes_of(claim)) or "the claimed outcome"


def _named(outcomes: Sequence[str]) -> tuple[list[str], str]:
    """At most :data:`MAX_OUTCOMES` outcomes, and ' (and N other outcomes)' for the rest."""
    items = [" ".join(o.split()) for o in outcomes if o.strip()]
    extra = len(items) - MAX_OUTCOMES
    if extra <= 0:
        return items, ""
    return items[:MAX_OUTCOMES], f" (and {extra} other outcome{'s' if extra > 1 else ''})"


def effect_clause(certainty: str, outcomes: Sequence[str], negative: bool = False,
                  protocol: Protocol | None = None) -> str:
    """'may improve sleep quality and reduce insomnia': one verb per group of outcomes.

    >>> effect_clause("moderate", ["sleep quality", "anxiety", "mood"])
    'probably improves sleep quality and mood and reduces anxiety'
    """
    groups: dict[Verb, list[str]] = {}
    for outcome in outcomes:
        groups.setdefault(verb_for(outcome, protocol), []).append(outcome)
    parts = []
    for i, (verb, outs) in enumerate(groups.items()):
        if i == 0:
            form = verb.form(certainty, negative)
        else:
            form = verb.base if negative or certainty == "low" else verb.third
        parts.append(f"{form} {join_phrases(outs)}")
    return (" or " if negative else " and ").join(parts)


def intervention_phrase(claim: Claim, studies: Mapping[str, Study] | None = None,
                        protocol: Protocol | None = None) -> str:
    """What was tested: the linked studies' common intervention, named as the protocol names
    it; else the protocol's intervention (:data:`DEFAULT_INTERVENTION` without a protocol)."""
    default = protocol.intervention.name if protocol else DEFAULT_INTERVENTION
    cats = {studies[lk.key].intervention_category for lk in claim.links
            if studies and lk.key in studies and lk.stance != "background"}
    if len(cats) == 1 and protocol is not None:
        return protocol.phrase_of(cats.pop())
    return default


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def draft_statement(certainty: str | None, direction_: str, outcome: str | Sequence[str],
                    intervention: str = DEFAULT_INTERVENTION, *, no_studies: bool = False,
                    not_testable_reason: str = "", protocol: Protocol | None = None) -> str:
    """Draft a GRADE informative statement.

    Parameters
    ----------
    certainty : 'high', 'moderate', 'low', 'very low' or None (not graded)
    direction_ : one of :data:`DIRECTIONS` (see :func:`direction`)
    outcome : what was measured, e.g. 'sleep quality', or a list of outcomes (the first
        :data:`MAX_OUTCOMES` are named, each with its own verb)
    intervention : what was tested, e.g. 'yoga'
    no_studies : the searches found no study that addresses the claim
    not_testable_reason : set when the claim cannot be tested; the reason is appended
    protocol : the review's protocol, for the direction of its outcomes

    Examples
    --------
    >>> draft_statement("moderate", "supports", "pain", "yoga")
    'Yoga probably reduces pain.'
    >>> draft_statement("very low", "supports", "anxiety", "yoga")
    'The evidence is very uncertain about the effect of yoga on anxiety.'
    >>> draft_statement("low", "supports", ["sleep quality", "insomnia severity"], "yoga")
    'Yoga may improve sleep quality and reduce insomnia severity.'
    """
    if not_testable_reason or direction_ == "not testable":
        reason = " ".join(not_testable_reason.split()).rstrip(".")
        return ("This claim cannot be tested against studies" + (f": {reason}." if reason
                else "."))
    outcomes, more = _named([outcome] if isinstance(outcome, str) else list(outcome))
    outcomes = outcomes or ["the claimed outcome"]
    phrase = join_phrases(outcomes)
    if no_studies:
        return _sentence(f"No studies were found that tested the effect of {intervention} "
                         f"on {phrase}{more}" if phrase and phrase != "the claimed outcome"
                         else "No studies were found that tested this claim")
    if certainty is None:
        return "The evidence for this claim has not been graded yet."
    if direction_ not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction_!r}; expected one of "
                         f"{', '.join(DIRECTIONS)}")
    if certainty == "very low" or direction_ == "none":
        return _sentence(f"The evidence is very uncertain about the effect of {intervention} "
                         f"on {phrase}{more}")
    if direction_ == "supports":
        return _sentence(f"{intervention} {effect_clause(certainty, outcomes, False, protocol)}"
                         f"{more}")
    if direction_ == "contradicts":
        return _sentence(f"{intervention} {effect_clause(certainty, outcomes, True, protocol)}"
                         f"{more}")
    if direction_ == "no effect":
        result = {"high": "results", "moderate": "probably results",
                  "low": "may result"}[certainty]
        return _sentence(f"{intervention} {result} in little to no difference in "
                         f"{phrase}{more}")
    return _sentence(f"{intervention} {effect_clause(certainty, outcomes, False, protocol)}"
                     f"{more} in some "
                     "studies but not in others")


def claim_direction(claim: Claim) -> str:
    return direction(lk.stance for lk in claim.links)


def drafted(claim: Claim, studies: Mapping[str, Study] | None = None,
            intervention: str | None = None, protocol: Protocol | None = None) -> str:
    """The statement drafted from the claim's grade and links (ignores the stored one)."""
    testable_reason = claim.not_testable_reason or (
        claim.verdict.reason if claim.verdict and claim.verdict.value == "not testable" else "")
    if claim.verdict and claim.verdict.value == "not testable":
        return draft_statement(None, "not testable", "", not_testable_reason=testable_reason
                               or "no measurable outcome")
    return draft_statement(
        claim.grade.certainty if claim.grade else None, claim_direction(claim),
        outcomes_of(claim),
        intervention or intervention_phrase(claim, studies, protocol),
        no_studies=claim.no_studies_found and not claim.links, protocol=protocol)


def statement(claim: Claim, studies: Mapping[str, Study] | None = None,
              intervention: str | None = None, protocol: Protocol | None = None) -> str:
    """The evidence statement to publish: the reviewer's stored text, else the draft."""
    return " ".join(claim.statement.split()) or drafted(claim, studies, intervention, protocol)


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` with the noun in the right number.

    >>> plural(1, "study", "studies"), plural(2, "study", "studies"), plural(0, "claim")
    ('1 study', '2 studies', '0 claims')
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"


def short_text(text: str, limit: int = 72) -> str:
    """The start of ``text`` on one line, cut at a word within ``limit`` characters (with
    '…'), for headings; the trailing full stop dropped.

    >>> short_text("Yoga eases back pain.")
    'Yoga eases back pain'
    >>> short_text("one two three four", 12)
    'one two…'
    """
    flat = " ".join(text.split()).rstrip(" .")
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"
