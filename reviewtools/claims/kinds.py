"""Sentence kinds: what each sentence of an article is, and the rule that decided it.

A popular health page mixes health claims with other sentences: descriptions of the
procedure, advice, marketing, testimonials, transitions, citations and boilerplate. Only
health claims and harm (safety) claims are claims a review checks by default; the others are
kept as records "not treated as claims" with their kind as the reason, and the reviewer can
promote any of them (:func:`reviewtools.claims.edits.promoted`).

The rules run in a fixed order (the first that fires decides) and each decision names the
rule and the words that fired it, so a reviewer can see why. Promotional detection uses the
page's context too (:class:`reviewtools.article.importing.PageContext`): a sentence naming
the business the page's title, header, footer or contact lines name is marketing unless it
asserts a health effect, and every claim on such a page is flagged ``promotional``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reviewtools.article.importing import PageContext
from reviewtools.claims.vocab import EFFECT, OUTCOME, effect_and_outcome
from reviewtools.model.records import CLAIM_KINDS, KIND_LABEL

MIN_WORDS = 5  # fewer words than this is a fragment (a list item, a caption), not a claim

BOILERPLATE = re.compile(
    r"©|\ball rights reserved\b|\bcopyright\b|\bcookies?\b|\bprivacy policy\b|\bterms of use\b"
    r"|\bthis post has \d+ comments?\b|\bshare (?:this|on)\b|\bsubscribe\b|\bnewsletter\b"
    r"|\bclick here\b|\bin the comments\b|\bleave a comment\b"
    r"|^\s*(?:sources?|references?|image|photo)(?: credit)?\s*:|\bdisclaimer\b"
    r"|\bfor informational purposes only\b|\bnot (?:intended as |a substitute for )?medical "
    r"advice\b|\bread more\b|\bposted (?:on|by|in)\b|\bcategory:|\btags?:", re.IGNORECASE)
CITATION = re.compile(r"https?://\S+|\bdoi\.org|\b10\.\d{4,}/|\bPMID\b|\bet al\.?,? \d{4}"
                      r"|^\s*\[\d+\]|\(\d{4} study|\bjournal of\b", re.IGNORECASE)
META = re.compile(
    r"\b(?:following|next|below|later) (?:discussion|section|sections|paragraphs?|list)\b"
    r"|\bin this (?:article|post|guide|blog)\b|\bthis (?:article|post|guide|blog) (?:reveals|"
    r"explains|covers|looks at|will|describes)\b|\b(?:read on|keep reading|let's|let us)\b"
    r"|\bwe will (?:discuss|explore|look)\b|^\s*(?:here are|below are|these are)\b"
    r"|\b(?:include|includes|are as follows|such as|are)\s*:\s*$|:\s*$"
    r"|\bhere's (?:what|how|why)\b|\bwhat (?:is|are) .{3,40}\?$", re.IGNORECASE)
TESTIMONIAL = re.compile(
    r"(?-i:\bI\b)(?!\.)|(?-i:\b(?:my|me|mine|My)\b)|\bswear by\b|\benthusiasts?\b"
    r"|\bfans? (?:say|claim|swear)\b"
    r"|\b(?:clients|customers|guests|patients|users|people) (?:say|tell us|report|rave|love|"
    r"swear|claim|describe)\b|\btestimonials?\b|\bin (?:my|our) experience\b|\breviews? (?:from|"
    r"say)\b", re.IGNORECASE)
CONSULT = re.compile(r"\b(?:consult|talk to|speak (?:to|with)|ask|check with|see) (?:with )?"
                     r"(?:your |a |an |the )?(?:qualified |licensed )?(?:doctor|physician|"
                     r"healthcare|health care|medical|gp|practitioner|pharmacist|professional|"
                     r"therapist)", re.IGNORECASE)
ADVICE = re.compile(
    r"\b(?:it(?:'s| is) (?:always )?(?:important|best|advisable|recommended|a good idea|wise|"
    r"essential|vital|crucial|better) to (?!(?:note|remember|keep in mind|be aware|understand)\b)"
    r"|you should|you must|make sure|try (?:taking|using|adding|doing|it|this|a|one)"
    r"|be sure to|remember to|don't forget|we recommend|(?:it's|it"
    r" is|is) advised|are advised|is recommended that|should (?:drink|avoid|limit|start|stay|"
    r"wait|rest|take|try|use|keep)|drink (?:plenty|lots|a lot) of)\b", re.IGNORECASE)
IMPERATIVE = re.compile(
    r"^\s*(?:Simply |Just |Always |Gradually |Then |First,? )?(?:drink|avoid|limit|try|start|"
    r"begin|consult|talk|ask|check|stay|keep|make|use|take|remember|don't|do not|stop|switch|"
    r"increase|apply|choose|look for|be|add|mix|combine|wait|rest|get|go|give|let|sit|breathe|"
    r"hydrate|shower|spend|press|hold|place|pinch|rub|locate|find|repeat|release|squeeze|"
    r"tap|inhale|exhale|dilute|diffuse|soak|sip)\b", re.IGNORECASE)
# Safety: adverse effects, who should not use it, interactions, the risks the method carries.
HARM = re.compile(
    r"\b(?:dangerous|harmful|unsafe|not safe|side[- ]effects?|adverse|contraindicat\w*|"
    r"overheat\w*|dehydrat\w*|burns?|burned|scald\w*|bruis\w*|bleed\w*|fainting|faint|dizz\w*|"
    r"hypoglyc\w*|low blood sugar|allergic reactions?|itch\w*|toxic|toxicity|liver damage|"
    r"interact\w* with (?:medications?|drugs)|not (?:be )?(?:appropriate|suitable|recommended) for"
    r"|should not be used|not a substitute|no substitute|increases? the chances? of (?:getting|"
    r"contracting|catching)|unwanted health issues|can cause (?:the )?skin to|risk of (?:burns?|"
    r"injury|infection|bleeding|dehydration))\b", re.IGNORECASE)
MARKETING_IMPERATIVE = re.compile(
    r"^\s*(?:relax|unwind|escape|indulge|restore|pamper|treat yourself|experience|discover|enjoy|"
    r"rejuvenate|revitali[sz]e|book|call|visit|contact|come|join|give yourself|reward yourself|"
    r"let (?:us|our)|say goodbye)\b", re.IGNORECASE)
SALES = re.compile(
    r"\b(?:book (?:now|today|online|your|a)|call (?:us|now|today)|visit (?:us|our)|contact us|"
    r"our (?:spa|salon|clinic|studio|team|therapists?|practitioners?|services?|treatments?|"
    r"products?|centre|center|staff)|we (?:offer|provide|specialise|specialize)|price[sd]?|"
    r"\$\s?\d|£\s?\d|€\s?\d|discount|promo code|special offer|gift (?:card|voucher)|vouchers?|"
    r"luxur\w*|premium|high-end|indulg\w*|pamper\w*|award-winning|near you|one of the most "
    r"popular|signature|packages?)\b|[®™]", re.IGNORECASE)
DESCRIPTION = re.compile(
    r"\b(?:is|are) (?:an? |the )?(?:[\w-]+ ){0,3}(?:type|form|kind|technique|therapy|practice|"
    r"method|treatment|spice|plant|root|compound|pigment|room|procedure|modality|style|variation"
    r"|ritual|tradition)s?\b|\binvolves?\b|\bconsists? of\b|\bmade (?:of|from)\b|\b(?:is|are) "
    r"(?:typically |usually |then |often )?(?:placed|heated|applied|held|used|made|sanitized|"
    r"filled|left|moved|glided|heated|cultivated|grown|known for)\b|\b(?:typically|usually|"
    r"traditionally|commonly) (?:made|used|heated|placed|from|between|around)\b|°\s?[CF]\b"
    r"|\bdegrees?\b|\b\d+\s?(?:minutes|seconds|mins)\b|\b(?:the|your) (?:therapist|practitioner)s? "
    r"(?:places?|holds?|heats?|uses?|may|will|applies)\b|\bduring (?:the|a) (?:session|"
    r"treatment)\b|\boriginat\w*|\bfor (?:centuries|thousands of years)\b|\bancient\b|\bthere "
    r"are (?:several|different|many|various) (?:types|kinds|forms)\b|\bin (?:dry|wet|fire) "
    r"\w+ing\b|\bcomes? from\b|\bcommonly used in\b|\byou(?:'ll|’ll| will) find\b"
    r"|\b(?:is|are) located\b|\bsits? (?:on|at|in)\b|\blies (?:on|at|in|between)\b"
    r"|\b(?:usually|typically|generally)\b|\b(?:collected|extracted|derived|harvested) from\b"
    r"|\bpopular (?:scents|types|kinds|oils) include\b", re.IGNORECASE)
# Framing that leaves the assertion after it intact ("It is important to note that X").
FRAME = re.compile(r"^\s*(?:(?:however|additionally|also|lastly|finally|moreover|furthermore|in "
                   r"addition|in summary|overall|in fact|of course|indeed),?\s+)?(?:it(?:'s| is) "
                   r"(?:important|worth|good) (?:to )?(?:note|remember|keep in mind|knowing|"
                   r"noting|mentioning)(?: that)?,?\s+)", re.IGNORECASE)


@dataclass(frozen=True)
class KindDecision:
    """A sentence's kind and the rule (with the words) that decided it."""

    kind: str
    rule: str
    promotional: bool = False

    @property
    def is_claim(self) -> bool:
        return self.kind in CLAIM_KINDS

    @property
    def reason(self) -> str:
        """The drop reason of a sentence not treated as a claim."""
        return f"not treated as a claim: {KIND_LABEL[self.kind]} ({self.rule})"


def _hit(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group(0).strip() if m else ""


def brand_in(text: str, context: PageContext | None) -> str:
    """The first business name of the page context that ``text`` names ('' if none)."""
    for name in (context.names if context else []):
        if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.IGNORECASE):
            return name
    return ""


def sentence_kind(text: str, context: PageContext | None = None) -> KindDecision:
    """The kind of one sentence (see the module docstring for the order of the rules)."""
    words = re.findall(r"[A-Za-z]+", text)
    body = FRAME.sub("", text, count=1)
    brand = brand_in(text, context)
    page = bool(context and context.commercial)
    promo = bool(brand) or page or bool(SALES.search(text))
    health = effect_and_outcome(body)
    if hit := _hit(BOILERPLATE, text):
        return KindDecision("citation", f"boilerplate words {hit!r}")
    if (hit := _hit(CITATION, text)) and not health:
        return KindDecision("citation", f"a reference {hit[:40]!r} and no effect on an outcome")
    if len(words) < MIN_WORDS:
        return KindDecision("meta", f"a fragment of {len(words)} words (under {MIN_WORDS})")
    if text.rstrip().endswith("?"):
        return KindDecision("meta", "a question")
    if hit := _hit(META, text):
        return KindDecision("meta", f"transition words {hit!r}")
    if hit := _hit(TESTIMONIAL, text):
        return KindDecision("testimonial", f"first-person or reported experience {hit!r}")
    if hit := _hit(CONSULT, body):
        return KindDecision("advice", f"tells the reader to {hit!r}")
    if hit := _hit(MARKETING_IMPERATIVE, body):
        return KindDecision("marketing", f"an imperative addressed to a customer {hit!r}", True)
    harm = _hit(HARM, body)
    advice = _hit(ADVICE, body) or _hit(IMPERATIVE, body)
    if harm:
        return KindDecision("harm-claim", f"names a harm or a risk {harm!r}", promo)
    if advice:
        return KindDecision("advice", f"advice wording {advice!r}")
    if health:
        rule = f"an effect verb {health[0]!r} on an outcome {health[1]!r}"
        return KindDecision("health-claim", rule + (f"; on the page of {brand or 'a business'}"
                                                     if brand or page else ""), promo)
    if hit := _hit(SALES, text) or brand:
        return KindDecision("marketing", f"sales wording or the page's business {hit!r} and no "
                                         "effect on an outcome", True)
    if hit := _hit(DESCRIPTION, text):
        return KindDecision("description", f"describes the procedure {hit!r} and names no "
                                           "effect on an outcome")
    if EFFECT.search(body) or OUTCOME.search(body):
        what = _hit(EFFECT, body) or _hit(OUTCOME, body)
        return KindDecision("health-claim", f"names an effect or an outcome {what!r}", promo)
    return KindDecision("health-claim", "asserts something and no other kind's rule fired",
                        promo)
