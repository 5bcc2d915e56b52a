"""General vocabularies the claim stage shares: outcome words, effect verbs, outcome topics.

Nothing here belongs to one article: the words name health outcomes and the verbs that
assert an effect on them, in any popular health article.
"""

from __future__ import annotations

import re

# Verbs that assert an effect on an outcome, by stem (reduce, reduces, reduced, reducing ...).
EFFECT_STEMS = (
    "reduc", "lower", "improv", "reliev", "eas", "boost", "promot", "help", "enhanc", "increas",
    "decreas", "prevent", "protect", "treat", "cur", "heal", "alleviat", "support", "fight",
    "strengthen", "combat", "stimulat", "sooth", "restor", "mitigat", "relax", "calm", "loosen",
    "clear", "remov", "releas", "regulat", "rais", "aid", "accelerat", "tighten", "trigger",
    "activat", "induc", "lessen", "minimi[sz]", "inhibit", "moderat", "control", "neutrali[sz]",
    "flush", "encourag", "fend", "lift", "speed", "cut", "burn", "benefit", "lead", "caus",
    "detoxif", "rejuvenat", "revitali[sz]", "dilat", "optimi[sz]", "augment", "facilitat",
    "sustain", "modulat", "mobili[sz]", "destroy", "stop", "slow", "deliver", "seal", "open",
    "soften", "tone", "tackl", "expand", "widen", "constrict", "unclog", "purif", "nourish",
    "energi[sz]", "invigorat",
)
EFFECT = re.compile(r"\b(?:" + "|".join(EFFECT_STEMS) + r")(?:e|es|ed|ing|s|y|ies|ied)?\b",
                    re.IGNORECASE)
# Words that name a health outcome (a symptom, a condition, a body function).
OUTCOME_WORDS = (
    r"pain\w*|aches?|sore\w*|stress\w*|anxi\w*|depress\w*|mood|sleep\w*|insomnia|fatigue|tired\w*"
    r"|energy|alert\w*|circulat\w*|blood|heart\w*|cardi\w*|stroke|cholesterol|inflam\w*|immun\w*"
    r"|infections?|colds?|flu|cough\w*|asthma|bronch\w*|respirat\w*|lungs?|breath\w*|dyspn\w*"
    r"|skin|acne|psoriasis|eczema|hair|wrinkles?|pores|muscl\w*|tension|stiff\w*|cramps?"
    r"|joints?|arthritis|osteoarthritis|back|neck|headaches?|migraines?|recover\w*|injur\w*"
    r"|heal\w*|digest\w*|bloating|nausea|constipation|bowel|weight|metabolism|fat|calories"
    r"|diabet\w*|insulin|glucose|cancer\w*|tumou?rs?|alzheimer\w*|dementia|memory|cogniti\w*"
    r"|brain|focus|concentration|relax\w*|well-being|wellbeing|wellness|health\w*|diseases?"
    r"|conditions?|symptoms?|mortality|death|longevity|aging|ageing|toxins?|detox\w*|lymph\w*"
    r"|swelling|o?edema|fibromyalgia|hypertension|tissues?|cells?|testosterone|hormon\w*|libido"
    r"|fertility|sperm|kidneys?|liver|eyes?|vision|allerg\w*|discomfort|relief|pulse|oxygen\w*"
    r"|nutrients?|waste|resilien\w*|willpower|spondylosis|herniation|paralysis|shingles"
    r"|perfusion|vascular|venous|arterial|endorphins?|serotonin|dopamine|cortisol|melatonin"
    r"|(?:blood|sinus|eye) pressure|risk|illness\w*|complexion|radian\w*|glow|clarity|calm\w*"
    r"|comfort|wounds?|strain|nausea|migraines?|sinus\w*"
)
OUTCOME = re.compile(r"\b(?:" + OUTCOME_WORDS + r")\b", re.IGNORECASE)

# Outcome topics for articles without headings: a topic and the words that put a claim in it.
# The protocol's own outcomes come first (reviewtools.claims.topics); these are the fallback.
TOPICS: dict[str, str] = {
    "Harms and safety": r"dangerous|harm\w*|unsafe|side effects?|adverse|burns?|bruis\w*"
                        r"|dehydrat\w*|contraindicat\w*|hypoglyc\w*|risks? and",
    "Cardiovascular": r"heart\w*|cardi\w*|blood pressure|hypertension|stroke|circulat\w*"
                      r"|blood (?:flow|vessels?)|vascular|arter\w*|cholesterol",
    "Respiratory": r"respirat\w*|lungs?|breath\w*|asthma|bronch\w*|mucus|cough\w*|dyspn\w*",
    "Pain": r"pain\w*|aches?|arthritis|migraines?|headaches?|sore\w*|stiff\w*|fibromyalgia",
    "Muscles and recovery": r"muscl\w*|recover\w*|tension|injur\w*|cramps?|tissues?",
    "Sleep": r"sleep\w*|insomnia|rest(?:ful)?",
    "Mood and stress": r"mood|stress\w*|anxi\w*|depress\w*|relax\w*|calm\w*|endorphins?",
    "Brain and cognition": r"brain|memory|cogniti\w*|alzheimer\w*|dementia|alert\w*|focus",
    "Skin and hair": r"skin|acne|psoriasis|eczema|pores|hair|complexion|wrinkles?|radian\w*",
    "Immunity and infection": r"immun\w*|infections?|colds?|flu|shingles|antibacterial",
    "Digestion and metabolism": r"digest\w*|bloating|bowel|metabolism|weight|calories|fat"
                                r"|diabet\w*|glucose|insulin|bile",
    "Cancer": r"cancer\w*|tumou?rs?",
    "Detox and general wellness": r"detox\w*|toxins?|wellness|well-being|wellbeing|energy"
                                  r"|vitality|balance",
}


# "a treatment for arthritis", "a remedy for colds": an effect asserted without a verb
TREATS = re.compile(r"\b(?:treatments?|remed(?:y|ies)|therap(?:y|ies)|cures?|relief) (?:for|of)\b",
                    re.IGNORECASE)


def effect_and_outcome(text: str) -> tuple[str, str] | None:
    """The first effect verb (or 'treatment for') and outcome word a sentence names, as two
    different words; None if it lacks either."""
    outcomes = list(OUTCOME.finditer(text))
    for verb in [*EFFECT.finditer(text), *TREATS.finditer(text)]:
        other = next((o for o in outcomes if o.start() >= verb.end() or o.end() <= verb.start()),
                     None)
        if other is not None:
            return verb.group(0), other.group(0)
    return None
