"""From article text to claims: sentence segmentation, claim detection, flags, anchors.

Sentences are segmented with pysbd (a maintained rule-based segmenter) within
each paragraph of the snapshot. A sentence is a claim unless it is
meta-discourse ("the following discussion ...") or too short to assert
anything. Claim ids are ``<section>-<NN>`` where NN is the sentence's ordinal
within its section, so ids stay stable and readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pysbd
from rapidfuzz import fuzz

from reviewtools.article.importing import ArticleText
from reviewtools.claims.compound import is_compound
from reviewtools.claims.kinds import sentence_kind
from reviewtools.model.records import Anchor, Section

CONTEXT = 32  # characters of prefix/suffix kept for re-anchoring
FUZZY_MIN_SCORE = 85.0

_segmenter = pysbd.Segmenter(language="en", clean=False)

EVIDENCE_APPEAL = [
    r"\b(has|have) been (shown|demonstrated|proven|found)\b",
    r"\b(is|are) (shown|demonstrated|proven)\b",
    r"\b(clinical |controlled |randomi[sz]ed )?(trials|studies|research|evidence|data)"
    r" (?:also |consistently |now )?(have |has )?(shown|show|shows|demonstrated|demonstrate|"
    r"demonstrates|indicate|indicates|"
    r"suggest|suggests|supports?|confirms?|reveals?|proves?)\b",
    r"\b(empirical|clinical|scientific) (evidence|studies|research)\b",
    r"\b(evidence|research|science) (suggests|shows|indicates|supports)\b",
    r"\bclinically (recognized|recognised|proven)\b",
    r"\bincreasingly recognized\b",
    r"\b(experts|scientists|doctors|physicians) (agree|say|recommend|are recommending)\b",
    r"\b(recent )?advancements? in [\w ]+ (show|shows|suggest|suggests)\b",
    # "<kind of> research/studies", e.g. "imaging research", "laboratory studies"
    r"\b(imaging|neuroimaging|laboratory|medical|scientific|clinical|recent|new) (research|studies"
    r"|findings|trials) (also |now )?(show|shows|suggest|suggests|indicate|indicates|reveal|"
    r"reveals|confirm|confirms|demonstrate|demonstrates|point|points)\b",
    r"\bsupported by\b[\w ,]{0,40}\b(evidence|research|studies|science|trials)\b",
    r"\b(studies|research|science|evidence) (has|have) (even )?(found|shown|proven|confirmed|"
    r"suggested)\b",
    r"\baccording to (research|studies|science|experts|doctors)\b",
]
CITATION = re.compile(r"\[\d+\]|\(\s*[A-Z][A-Za-z-]+(?: et al\.?)?,? \d{4}\)|doi\.org|10\.\d{4,}/"
                      r"|https?://|\bPMID\b")
PROMOTIONAL = [
    r"\bas (practiced|practised|offered|provided) (at|by)\b",
    r"\b(best|top|leading|premier|award-winning) (spa|salon|clinic|studio|centre|center|"
    r"therapists?|practitioners?|services?|treatments?|products?|brand)\b",
    r"\b[A-Z][A-Za-z]+ (Spa|Salon|Studio|Wellness|Clinic|Centre|Center)\b(?: & [A-Z]\w+)?",
    r"\b(book|call|visit) (now|today|us)\b",
    r"\b(discount|promo code|special offer)\b",
    r"[®™]",
]
# Hedges that lower the claimed certainty ("may", "might", "could", "suggests").
HEDGES = (r"\b(may|might|could|possibly|potentially|perhaps|suggests?|appears?|seems?|likely|"
          r"associated with|linked (?:to|with)|is (?:thought|believed|said) to|are (?:thought|"
          r"believed|said) to)\b")
# Weak hedges: "can help", "can", "helps to" say the effect happens (at least sometimes).
# A weak-hedged claim is flagged 'hedged' and 'weak-hedge'; its claimed certainty stays
# Moderate (reviewtools.grading.rules.claimed_certainty), so "can help" never makes an
# unsupported claim safe from the overstatement flag.
WEAK_HEDGES = r"\b(can|can help|helps? to|is able to|are able to|tends? to)\b"
# Absolute wording: a cure, a certainty or a total effect.
ABSOLUTES = (r"\b(cures?|cured|eliminates?|eradicates?|proven|guaranteed?|guarantees|always|"
             r"never fails?|completely|totally|100 ?%|permanently|miracle|instantly|"
             r"once and for all|no doubt|definitely)\b")
STRONG = (r"\b(research|studies|trials|evidence) (also )?(indicates?|shows?)\b"
          r"|\b(has|have) been (shown|demonstrated)|\bdemonstrat|\bproven\b|\bclinically recogni"
          r"|\bis achieved\b|\bresults? in\b|\beffective\b|\bsignificant\b|\bmeasurable\b")
# General vocabularies (not any one article's words): physiology that explains an effect,
# and wellness words that name no measurable outcome.
MECHANISTIC = (r"\b(parasympathetic|sympathetic|autonomic|nervous system|nerves?|receptors?|"
               r"pathways?|gate control|neurochemical|neurotransmitters?|serotonin|dopamine|"
               r"endorphins?|oxytocin|melatonin|hormones?|cortisol|testosterone|insulin|limbic|"
               r"oxygenation|perfusion|inflammatory|anti-inflammatory|antioxidants?|free radicals"
               r"|vascular|vasodilat\w*|dilat\w*|constrict\w*|blood vessels?|vessels?|"
               r"heat[- ]shock|metabolic|metabolism|cellular|cells?|molecular|oxidative|"
               r"mitochondria\w*|lymph\w*|immune (?:system|cells|response)|enzymes?|bile|"
               r"cytokines?|brown fat|pores|mucus|heart rate|core temperature|body temperature|"
               r"(?:heat|warmth|cold|suction) (?:penetrates|relaxes|dilates|expands|draws|"
               r"stimulates|triggers|activates|causes))\b")
VAGUE = (r"\b(wellness|well-being|wellbeing|holistic|resilience|inner \w+|balance|self-healing"
         r"|autonomy|empowers?|equilibrium|harmony|vitality|rejuvenat\w*|revitali[sz]\w*"
         r"|detox\w*|toxins?|impurities|radiant|glow(?:ing)?|youthful|recharg\w*|energy levels"
         r"|overall health|general health|feel(?:ing)? (?:lighter|refreshed|renewed|reborn)"
         r"|enlightenment|energy flow|blockages?|energ(?:y|ies) pathways?|body and mind"
         r"|mind and body|sense of well-being)\b")
META_DISCOURSE = [
    r"\b(following|next|below|later) (discussion|section|sections|paragraphs?)\b",
    r"\bin this (article|post|guide|blog)\b",
    r"\b(read on|keep reading|let's|let us)\b",
    r"\bwe will (discuss|explore|look)\b",
]


@dataclass
class Sentence:
    section: str
    ordinal: int
    text: str
    start: int
    end: int


@dataclass
class Extracted:
    """A claim found by the extractor, before it is stored."""

    id: str
    section: str
    text: str
    anchor: Anchor
    flags: list[str] = field(default_factory=list)
    kind: str = "health-claim"
    kind_rule: str = ""
    reason: str = ""  # why it is not treated as a claim ('' for a claim)

    @property
    def is_claim(self) -> bool:
        return not self.reason


def _matches(patterns: list[str], text: str) -> bool:
    return any(re.search(p, text, flags=re.IGNORECASE if p.islower() else 0) for p in patterns)


def classify(text: str) -> list[str]:
    """Flags for one sentence, in a fixed order."""
    flags: list[str] = []
    if _matches(EVIDENCE_APPEAL, text.lower()) and not CITATION.search(text):
        flags.append("evidence-appeal")
    if any(re.search(p, text) for p in PROMOTIONAL[2:3] + PROMOTIONAL[5:]) or _matches(
            [p for i, p in enumerate(PROMOTIONAL) if i not in (2, 5)], text.lower()):
        flags.append("promotional")
    if re.search(STRONG, text, re.IGNORECASE) or re.search(ABSOLUTES, text, re.IGNORECASE):
        flags.append("assertive")
    elif re.search(HEDGES, text, re.IGNORECASE):
        flags.append("hedged")
    elif re.search(WEAK_HEDGES, text, re.IGNORECASE):
        flags += ["hedged", "weak-hedge"]
    else:
        flags.append("assertive")
    if re.search(ABSOLUTES, text, re.IGNORECASE):
        flags.append("absolute")
    if re.search(MECHANISTIC, text, re.IGNORECASE):
        flags.append("mechanistic")
    if re.search(VAGUE, text, re.IGNORECASE):
        flags.append("vague")
    return flags


def is_claim(text: str) -> bool:
    """True if a sentence asserts something checkable (not a heading or a transition)."""
    words = re.findall(r"[A-Za-z]+", text)
    if len(words) < 5 or text.rstrip().endswith("?"):
        return False
    return not _matches(META_DISCOURSE, text.lower())


def section_slug(heading: str, taken: set[str]) -> str:
    """A short slug for a heading: its first distinctive word ('Better, Deeper Sleep' ->
    'sleep'), made unique against ``taken``."""
    filler = {"better", "deeper", "more", "restful", "your", "whole", "body", "benefits",
              "benefit", "relief", "boost", "and", "the", "for", "of", "with", "how", "why",
              "what", "to", "a", "an", "in", "on", "best", "top", "great", "improved", "improve",
              "enhanced", "mental", "well-being"}
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*", heading)]
    choice = next((w for w in words if w not in filler and len(w) > 2), None)
    base = re.sub(r"[^a-z0-9-]", "", (choice or "section"))[:30].strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def sections_of(article: ArticleText, known: dict[str, str] | None = None) -> list[Section]:
    """Split the snapshot into sections: 'intro' before the first heading, then one per heading.

    ``known`` maps heading text to a slug chosen earlier, so re-extraction keeps names.
    """
    known = known or {}
    sections: list[Section] = []
    taken: set[str] = set()
    current: Section | None = None
    for block, start, end in article.blocks:
        if block.kind == "title":
            continue
        if block.kind == "heading":
            slug = known.get(block.text) or section_slug(block.text, taken)
            taken.add(slug)
            current = Section(slug=slug, heading=block.text, start=start, end=end)
            sections.append(current)
            continue
        if current is None:
            taken.add("intro")
            current = Section(slug="intro", heading="Introduction", start=start, end=end)
            sections.append(current)
        current.end = end
    return sections


def sentences(article: ArticleText, sections: list[Section]) -> list[Sentence]:
    """Every sentence of every paragraph, with offsets into the snapshot."""
    out: list[Sentence] = []
    counters: dict[str, int] = {}
    for block, start, end in article.blocks:
        if block.kind != "paragraph":
            continue
        section = next((s.slug for s in sections if s.start <= start < s.end + 1), "intro")
        cursor = start
        for piece in _segmenter.segment(article.text[start:end]):
            piece = piece.strip()
            if not piece:
                continue
            pos = article.text.find(piece, cursor, end)
            if pos < 0:  # segmenter normalised something: fall back to a fuzzy-free skip
                continue
            counters[section] = counters.get(section, 0) + 1
            out.append(Sentence(section, counters[section], piece, pos, pos + len(piece)))
            cursor = pos + len(piece)
    return out


def make_anchor(text: str, start: int, end: int, state: str = "exact") -> Anchor:
    return Anchor(start=start, end=end, prefix=text[max(0, start - CONTEXT):start],
                  suffix=text[end:end + CONTEXT], state=state)


def extract(article: ArticleText, sections: list[Section]) -> list[Extracted]:
    """The article's checkable claims (health and harm claims), in reading order."""
    return [e for e in extract_all(article, sections) if e.is_claim]


def extract_all(article: ArticleText, sections: list[Section]) -> list[Extracted]:
    """Every sentence of the article with its kind (:mod:`reviewtools.claims.kinds`), its
    flags and, for a compound sentence, the ``compound`` flag; in reading order."""
    found = []
    for s in sentences(article, sections):
        decision = sentence_kind(s.text, article.context)
        flags = classify(s.text)
        if decision.promotional and "promotional" not in flags:
            flags.insert(1 if flags[:1] == ["evidence-appeal"] else 0, "promotional")
        if decision.is_claim and is_compound(s.text):
            flags.append("compound")
        found.append(Extracted(id=f"{s.section}-{s.ordinal:02d}", section=s.section, text=s.text,
                               anchor=make_anchor(article.text, s.start, s.end), flags=flags,
                               kind=decision.kind, kind_rule=decision.rule,
                               reason="" if decision.is_claim else decision.reason))
    return found


def reanchor(text: str, quote: str, old: Anchor) -> Anchor:
    """Find ``quote`` in ``text`` again: exact match (nearest the old position, context
    breaking ties), then fuzzy; an anchor that cannot be found is returned 'orphaned'."""
    hits = [m.start() for m in re.finditer(re.escape(quote), text)]
    if hits:
        def score(pos: int) -> tuple[int, int]:
            ctx = int(text[max(0, pos - len(old.prefix)):pos] == old.prefix) + int(
                text[pos + len(quote):pos + len(quote) + len(old.suffix)] == old.suffix)
            return (-ctx, abs(pos - old.start))
        best = min(hits, key=score)
        return make_anchor(text, best, best + len(quote))
    match = fuzz.partial_ratio_alignment(quote, text, score_cutoff=FUZZY_MIN_SCORE)
    if match is not None:
        start, end = _snap_to_sentence(text, match.dest_start, match.dest_end)
        return make_anchor(text, start, end, state="fuzzy")
    return old.model_copy(update={"state": "orphaned"})


def _snap_to_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a fuzzy match to whole words so the anchor never cuts a word in half."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    if end < len(text) and text[end] in ".!?":
        end += 1
    return start, end
