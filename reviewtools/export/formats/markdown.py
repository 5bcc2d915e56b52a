"""The sourced summary as Pandoc Markdown, with ``[@key]`` citations and a CSL JSON bibliography.

Every piece of text that comes from the article, a study or a reviewer is escaped
with :func:`escape` so it renders literally: ``<script>``, ``<img onerror=...>``,
``[x](javascript:...)``, ``@key`` and ``$math$`` all stay plain text. The HTML and
DOCX writers then run Pandoc with raw HTML, raw attributes and raw TeX disabled
(:data:`PANDOC_FROM`), so nothing in the input can reach the output as markup.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from reviewtools.export.context import ExportContext, claim_anchor
from reviewtools.export.figures import figures_for, safe_name, written_paths
from reviewtools.export.forests import write_forests, write_traffic_lights
from reviewtools.export.prisma import write_prisma
from reviewtools.export.sof import sof_markdown
from reviewtools.export.wording import plural, short_text
from reviewtools.grading.rules import display
from reviewtools.literature import bib as bibmod
from reviewtools.model.records import (
    CERTAINTY_ORDER,
    KIND_LABEL,
    VERDICT_LABEL,
    Claim,
    Screening,
    appeal_count,
)
from reviewtools.store.files import load_record

PANDOC_FROM = "markdown-raw_html-raw_attribute-raw_tex-smart"
_ALWAYS = set("\\`*_{}[]<>|~^@$&")
_LIST_START = re.compile(r"^(\(?)([A-Za-z]|[ivxlcdmIVXLCDM]+|\d+)([.)])(?=\s|$)")
GRADE_METHODS = (
    "Certainty of the evidence for each claim was graded with GRADE: a body of randomised "
    "evidence starts at High, observational evidence at Low, and mechanistic studies, narrative "
    "reviews and expert opinion at Very low; certainty was lowered for risk of bias, "
    "inconsistency, indirectness, imprecision and publication bias, and raised for a large "
    "effect, a dose-response gradient or plausible confounding. Evidence statements follow "
    "GRADE's guidance on informative statements: \"reduces\" for high, "
    "\"probably reduces\" for moderate, \"may reduce\" for low certainty, and \"the evidence is "
    "very uncertain\" for very low certainty.")


# ---- escaping --------------------------------------------------------------------------------

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def drop_controls(text: str) -> str:
    """``text`` without NUL and the other C0 control characters (tab and newlines kept):
    they have no place in a summary, and a NUL truncates text in many readers."""
    return _CONTROLS.sub("", text)


def escape(text: object) -> str:
    """Markdown-escape untrusted text onto one line so Pandoc renders it literally.

    >>> escape('<script>x</script> [a](javascript:y) @key')
    '\\\\<script\\\\>x\\\\</script\\\\> \\\\[a\\\\](javascript:y) \\\\@key'
    """
    flat = " ".join(drop_controls(str(text)).split())
    out = "".join("\\" + ch if ch in _ALWAYS else ch for ch in flat)
    m = _LIST_START.match(out)
    if m:  # "1. ", "a) ", "(iv) " would start a list
        out = (("\\(" if m.group(1) else "") + m.group(2) + "\\" + m.group(3)
               + out[m.end():])
    if out[:1] in ("#", "+", "-", ":", "=", "%"):
        out = "\\" + out
    return out


def cite(keys: list[str]) -> str:
    """Pandoc citation ``[@a; @b]`` (keys ending in punctuation are braced: ``@{a.}``)."""
    if not keys:
        return ""
    parts = [f"@{{{k}}}" if not k[-1].isalnum() else f"@{k}" for k in keys]
    return "[" + "; ".join(parts) + "]"


def safe_url(url: str) -> str | None:
    """An http(s) URL made safe for a Markdown link target, else None."""
    url = url.strip()
    if not re.match(r"^https?://[^\s]+$", url, flags=re.IGNORECASE):
        return None
    return quote(url, safe=":/?#@!$&*+,;=%-._~")


# ---- bibliography as CSL JSON ------------------------------------------------------------------

#: Longest BibTeX value converted, in characters; a longer one is cut (with '…') first.
#: pylatexenc's conversion grows faster than linearly (36 s on a 1 MB title), and no title,
#: journal or name is this long: a 10 MB field is an accident or an attack.
MAX_FIELD_CHARS = 10_000


def latex_to_text(value: str) -> str:
    """Unicode text of a BibTeX value (accents decoded, braces and commands dropped).

    Values longer than :data:`MAX_FIELD_CHARS` are cut to that length first.
    """
    cut = len(value) > MAX_FIELD_CHARS
    if cut:
        value = value[:MAX_FIELD_CHARS].rsplit(" ", 1)[0]
    return _latex_to_text(value) + (" …" if cut else "")


def _latex_to_text(value: str) -> str:
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:  # pragma: no cover - pylatexenc comes with bibtexparser 2
        return bibmod.plain_text(value)
    value = re.sub(r"(?<!\\)%", r"\\%", value)
    return " ".join(LatexNodes2Text(math_mode="verbatim").latex_to_text(value).split())


def _name(raw: str) -> dict[str, str]:
    raw = raw.strip()
    if raw.startswith("{") and raw.endswith("}"):
        return {"literal": latex_to_text(raw)}
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) == 1:
        words = latex_to_text(raw).split()
        if len(words) == 1:
            return {"family": words[0]}
        return {"family": words[-1], "given": " ".join(words[:-1])}
    name = {"family": latex_to_text(parts[0]), "given": latex_to_text(parts[-1])}
    if len(parts) == 3:
        name["suffix"] = latex_to_text(parts[1])
    return {k: v for k, v in name.items() if v}


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def csl_item(key: str, fields: dict[str, str]) -> dict[str, object]:
    """One references.bib entry as a CSL JSON item (only http(s) URLs are kept)."""
    if fields.get("journal") or fields.get("journaltitle"):
        kind = "article-journal"
    elif fields.get("booktitle"):
        kind = "chapter"
    elif fields.get("publisher"):
        kind = "book"
    else:
        kind = "article"
    item: dict[str, object] = {"id": key, "type": kind}
    if fields.get("title"):
        item["title"] = latex_to_text(fields["title"])
    authors = bibmod.split_authors(fields.get("author", ""))
    if authors:
        item["author"] = [_name(a) for a in authors]
    year = bibmod.year_of(fields)
    if year:
        parts = [year]
        month = fields.get("month", "").strip().lower()[:3]
        if month in _MONTHS or month.isdigit():
            parts.append(_MONTHS.get(month) or int(month))
        item["issued"] = {"date-parts": [parts]}
    container = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
    simple = {"container-title": container, "volume": fields.get("volume"),
              "issue": fields.get("number") or fields.get("issue"),
              "page": (fields.get("pages") or "").replace("--", "-"),
              "publisher": fields.get("publisher")}
    for name, value in simple.items():
        if value:
            item[name] = latex_to_text(value)
    doi = bibmod.normalise_doi(fields.get("doi", ""))
    if doi:
        item["DOI"] = doi
    pmid = bibmod.normalise_pmid(fields.get("pmid", ""))
    if pmid:
        item["PMID"] = pmid
    pmcid = bibmod.normalise_pmcid(fields.get("pmcid", ""))
    if pmcid:
        item["PMCID"] = pmcid
    url = safe_url(bibmod.plain_text(fields.get("url", "")))
    if url:
        item["URL"] = url
    return item


def csl_items(ctx: ExportContext) -> list[dict[str, object]]:
    """The cited entries as CSL JSON, in order of first citation (checked to exist)."""
    ctx.check_citations()
    return [csl_item(key, ctx.bib[key]) for key in ctx.cited_keys()]


def csl_json(ctx: ExportContext) -> str:
    return json.dumps(csl_items(ctx), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# ---- the summary -----------------------------------------------------------------------------

def _counts(values: list[str], order: list[str]) -> str:
    c = Counter(values)
    return ", ".join(f"{c[v]} {v}" for v in order if c[v])


def _verdict_name(claim: Claim) -> str:
    if claim.verdict:
        return claim.verdict.value
    return "disputed" if claim.status == "disputed" else "not assessed"


_VERDICT_ORDER = [*VERDICT_LABEL, "disputed", "not assessed"]
_CERT_ORDER = [*reversed(CERTAINTY_ORDER), "not graded"]


def _cert_name(claim: Claim) -> str:
    return claim.grade.certainty if claim.grade else "not graded"


def headline(ctx: ExportContext) -> list[str]:
    lines = [f"| {ctx.group_label} | Claims | Verdicts | Certainty |",
             "|:----------------|------:|:----------------------|:--------------|"]
    for group in ctx.sections:
        verdicts = _counts([_verdict_name(c) for c in group.claims], _VERDICT_ORDER)
        certainty = _counts([_cert_name(c) for c in group.claims], _CERT_ORDER)
        lines.append(f"| [{escape(group.heading)}](#section-{safe_name(group.slug)}) | "
                     f"{len(group.claims)} | {verdicts} | {certainty} |")
    return lines


def downgrade_reasons(claim: Claim) -> list[str]:
    """'risk of bias (-1): small unblinded trials' for each domain that moved certainty."""
    if not claim.grade:
        return []
    out = []
    for name, rating in claim.grade.downgrades:
        if rating.levels:
            out.append(f"{name.replace('_', ' ')} (−{rating.levels}): {rating.reason}".rstrip(": "))
    for name, rating in claim.grade.upgrades:
        if rating.levels:
            out.append(f"{name.replace('_', ' ')} (+{rating.levels}): {rating.reason}".rstrip(": "))
    return out


def _study_line(ctx: ExportContext, claim: Claim, i: int) -> str:
    lk = claim.links[i]
    study = ctx.studies.get(lk.key)
    about = []
    if study:
        about.append(study.design + (f", n = {study.n}" + (" studies" if study.n_unit == "studies"
                                                            else "") if study.n else ""))
    about += [lk.stance, f"{lk.outcome} ({lk.directness})"]
    return f"- “{escape(lk.quote)}” {cite([lk.key])}; {escape('; '.join(about))}"


def verdict_class(name: str) -> str:
    """The CSS class of a verdict badge: 'v-not-supported'."""
    return "v-" + name.replace(" ", "-")


def verdict_label(claim: Claim) -> str:
    """The verdict as a reader sees it ('Not supported', 'Not yet assessed')."""
    if claim.verdict:
        return VERDICT_LABEL[claim.verdict.value]
    return "Disputed between reviewers" if claim.status == "disputed" else "Not yet assessed"


def badge(claim: Claim) -> str:
    """The verdict as a Pandoc span: coloured by class in HTML, and always written out."""
    css = verdict_class(_verdict_name(claim))
    return f"[ — ]{{.sep}}[{escape(verdict_label(claim))}]{{.verdict .{css}}}"


def claim_heading(claim: Claim) -> str:
    """'### Yoga eases back pain … [Partly supported]{…} {#claim-pain-01}'."""
    return f"### {escape(short_text(claim.text))} {badge(claim)} {{#{claim_anchor(claim)}}}"


def bottom_line(ctx: ExportContext, claim: Claim) -> str:
    """One line: the verdict and what the evidence shows, with its citations."""
    keys = []
    for lk in claim.links:
        if lk.stance != "background" and lk.key not in keys:
            keys.append(lk.key)
    statement = escape(ctx.statement(claim))
    if keys:  # citation before the closing full stop: "... may reduce pain [@a; @b]."
        body, stop = (statement[:-1], statement[-1]) if statement.endswith((".", "!", "?")) \
            else (statement, ".")
        statement = f"{body} {cite(keys)}{stop}"
    return f"**Bottom line: {escape(verdict_label(claim))}.** {statement}"


def claim_block(ctx: ExportContext, claim: Claim) -> list[str]:
    """One claim: headed by a short form of its text and its verdict, the bottom line, the
    article's words, certainty and reasons, and the studies."""
    lines = [claim_heading(claim), "", "::: {.bottom-line}", bottom_line(ctx, claim), ":::", "",
             f"The article says (claim {escape(claim.id)}):", "", f"> {escape(claim.text)}", "",
             f"**Certainty of the evidence:** "
             f"{display(claim.grade.certainty if claim.grade else None)}."]
    if claim.anchor_text:  # a split part in the reviewer's words: the article's words too
        lines[10:10] = [f"*Part of the article's sentence:* \"{escape(claim.anchor_text)}\"", ""]
    if claim.verdict and claim.verdict.overstated:
        lines += ["", "**Overstated:** the article states this with more certainty than the "
                  "evidence allows."]
    if claim.verdict and claim.verdict.reason.strip():
        lines += ["", f"**Why:** {escape(claim.verdict.reason)}"]
    reasons = downgrade_reasons(claim)
    if reasons:
        lines += ["", "**Reasons for downgrading:** " + escape("; ".join(reasons)) + "."]
    if claim.no_studies_found and claim.searched:
        lines += ["", "**Searches that found nothing:** " + escape("; ".join(claim.searched))]
    if claim.links:
        lines += ["", "**Studies:**", ""]
        lines += [_study_line(ctx, claim, i) for i in range(len(claim.links))]
    return lines + [""]


def overstated_block(ctx: ExportContext) -> list[str]:
    over = [c for c in ctx.claims if c.verdict and c.verdict.overstated]
    lines = ["## Overstated claims {#overstated}", ""]
    if not over:
        return [*lines, "No assessed claim was judged overstated.", ""]
    verb = "states" if len(over) == 1 else "state"
    lines += [f"{plural(len(over), 'claim')} {verb} more certainty than the evidence allows:",
              ""]
    for c in over:
        lines.append(f"- [{escape(short_text(c.text, 90))}](#{claim_anchor(c)}) "
                     f"({VERDICT_LABEL[c.verdict.value].lower()}; "
                     f"{display(c.grade.certainty if c.grade else None)})")
    return [*lines, ""]


def _screenings(ctx: ExportContext) -> list[Screening]:
    folder = ctx.review.path / "screening"
    ids = {c.sentence for c in ctx.claims} | {c.id for c in ctx.claims}  # a split's searches
    return [load_record(p, Screening) for p in sorted(folder.glob("*.yaml")) if p.stem in ids]


def judges(ctx: ExportContext) -> list[str]:
    """The names on the judgements (links, grades, verdicts), sorted."""
    names = {lk.by for c in ctx.claims for lk in c.links}
    names |= {x.by for c in ctx.claims for x in (c.grade, c.verdict) if x is not None}
    return sorted(names)


def planned(ctx: ExportContext) -> list[str]:
    """The reviewers the protocol's team names, else review.yaml's ``reviewers``."""
    if ctx.protocol is not None and ctx.protocol.team.reviewers:
        return list(ctx.protocol.team.reviewers)
    return list(ctx.review.meta.reviewers)


def reviewers(ctx: ExportContext) -> list[str]:
    """Who reviewed: the planned team, then anyone else whose name is on a judgement."""
    team = planned(ctx)
    return team + [n for n in judges(ctx) if n not in team]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _search_sentence(ctx: ExportContext) -> str:
    runs = [run for s in _screenings(ctx) for run in s.searches]
    if not runs:
        return ""
    per_source: dict[str, list[str]] = {}
    for r in runs:
        per_source.setdefault(r.source, []).append(r.date[:10] if r.date else "")
    parts = []
    for source in sorted(per_source):
        dates = sorted(d for d in per_source[source] if d)
        when = (f", {dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1]
                else f", {dates[0]}" if dates else "")
        parts.append(f"{escape(source)} ({plural(len(per_source[source]), 'search', 'searches')}"
                     f"{when})")
    return (f"{plural(len(runs), 'literature search', 'literature searches')} "
            f"{'was' if len(runs) == 1 else 'were'} run: {_join(parts)}.")


def _screening_sentence(ctx: ExportContext, searched: bool) -> str:
    from reviewtools.literature.search import prisma_counts
    n = prisma_counts(ctx.review)
    if not n["identified"] and not n["screened"]:
        return ""
    other = n.get("other_sources", 0)
    if searched:
        found = (f"They identified {plural(n['identified'], 'record')}"
                 + (f" ({other} of them from other sources)" if other else ""))
    else:
        found = (f"No database search run is recorded in the screening records; "
                 f"{plural(n['identified'], 'record')} came from other sources")
    dups = n["duplicates_removed"]
    out = (f"{found}, {plural(dups, 'duplicate')} removed; {n['screened']} "
           f"{'was' if n['screened'] == 1 else 'were'} screened against the claims, "
           f"{n['excluded']} excluded with reasons and {n['included']} included")
    if n.get("maybe"):
        out += f" ({n['maybe']} undecided)"
    if n.get("not_screened"):
        out += f"; {plural(n['not_screened'], 'record')} not yet screened"
    return out + " (PRISMA 2020 flow diagram below)."


def _team_sentence(ctx: ExportContext) -> str:
    who = reviewers(ctx)
    team = ctx.protocol.team if ctx.protocol is not None else None
    names = escape(_join(who)) if who else ""
    if team is None or not who:
        return f"Reviewers: {names}." if names else ""
    if len(who) == 1:
        out = f"One reviewer ({names}) made every judgement; no second reviewer checked them."
    elif team.mode == "single reviewer":
        out = (f"Judgements were recorded by {names}, each working alone (the protocol "
               "plans a single reviewer, with no independent second review).")
    else:
        out = f"Judgements were recorded by {names}."
        dual = _agreement_sentence(ctx)
        out = (out + " " + dual) if dual else (
            out[:-1] + f"; the protocol plans {escape(team.mode)} review, but no profile has "
            "two submitted ratings yet.")
    if team.ai_assistance.strip():
        out += " " + escape(team.ai_assistance.strip())
    return out


def _agreement_sentence(ctx: ExportContext) -> str:
    """Which profiles two reviewers rated blind, and how well they agreed (kappa)."""
    summary = ctx.agreement
    pairs = [p for p in summary.get("pairs", []) if p.get("n")]
    if not pairs:
        return ""
    out = []
    for pair in pairs:
        names = escape(_join(list(pair["reviewers"])))
        profiles = pair.get("profiles") or []
        which = f" ({escape(', '.join(profiles))})" if profiles else ""
        kappa = pair.get("kappa_linear")
        agreed = (f"weighted kappa on certainty {kappa:.2f} (linear weights; quadratic "
                  f"{pair['kappa_quadratic']:.2f})" if kappa is not None and pair["n"] > 1 else
                  "weighted kappa could not be computed (too few profiles, or no spread in "
                  "the ratings)")
        domains = pair.get("kappa_domains_linear")
        if domains is not None:
            agreed += (f"; on the levels of the five downgrading domains, weighted kappa "
                       f"{domains:.2f} (linear)")
        both = "both" if len(pair["reviewers"]) == 2 else "all"
        done = [pid for pid in profiles if _reconciled(ctx, pid, pair["reviewers"])]
        settled = ("Every profile was then given one consensus rating with a recorded note."
                   if len(done) == len(profiles) else
                   f"{plural(len(profiles) - len(done), 'profile')} still "
                   f"{'awaits' if len(profiles) - len(done) == 1 else 'await'} a consensus "
                   "rating.")
        out.append(f"The certainty of {plural(pair['n'], 'profile')}{which} was rated "
                   f"independently by {names}, each blinded to the other's ratings until "
                   f"{both} had submitted; {agreed}. {settled}")
    return " ".join(out)


def _reconciled(ctx: ExportContext, pid: str, who: Sequence[str]) -> bool:
    rating = ctx.profiles[pid].rating if pid in ctx.profiles else None
    return rating is not None and set(who) <= set(rating.reviewers)


def _tools_sentence(ctx: ExportContext) -> str:
    from reviewtools.appraisal.risk import load_assessments
    from reviewtools.appraisal.rob import TOOLS
    keys = set(ctx.profile_studies) | {lk.key for c in ctx.claims for lk in c.links}
    used: dict[str, set[str]] = {}
    for key, file in load_assessments(ctx.review.settings).items():
        if key in keys:
            for a in file.assessments:
                used.setdefault(a.tool, set()).add(key)
    if not used:
        return ""
    named = [f"{TOOLS[t].label if t in TOOLS else escape(t)} ({plural(len(k), 'study', 'studies')})"
             for t, k in sorted(used.items())]
    return f"Risk of bias was assessed with {_join(named)}."


def methods_block(ctx: ExportContext) -> list[str]:
    """Methods, from what was done: the snapshot and the claims; searches and screening;
    appraisal and tools; the team; GRADE. One paragraph each."""
    meta = ctx.review.meta
    assessed = sum(1 for c in ctx.claims if c.verdict)
    segmenter = escape(meta.segmenter or "pysbd")
    n_claims = len(ctx.claims)
    article = (f"The article was retrieved on {meta.retrieved[:10]} and its text snapshot "
               f"(SHA-256 {meta.sha256[:12]}…) split into sentences ({segmenter}). "
               f"{plural(n_claims, 'sentence or part of one', 'sentences or parts of sentences')}"
               f" {'was' if n_claims == 1 else 'were'} treated as checkable claims"
               + (f" and {len(ctx.dropped)} {'was' if len(ctx.dropped) == 1 else 'were'} not "
                  "(see Sentences not treated as claims)" if ctx.dropped else "")
               + f"; {assessed} of the {plural(n_claims, 'claim')} "
               f"{'has' if assessed == 1 else 'have'} a verdict.")
    searches = _search_sentence(ctx)
    literature = [x for x in (searches, _screening_sentence(ctx, bool(searches))) if x]
    empty = [c for c in ctx.claims if c.no_studies_found]
    if empty:
        n_queries = len({q for c in empty for q in c.searched})
        literature.append(f"For {plural(len(empty), 'claim')} the searches "
                          f"({plural(n_queries, 'recorded query', 'recorded queries')}) found "
                          "no study that addresses them.")
    appraisal = []
    n_studies = len({lk.key for c in ctx.claims for lk in c.links})
    if n_studies:
        appraisal.append(f"{plural(n_studies, 'study', 'studies')} "
                         f"{'was' if n_studies == 1 else 'were'} appraised (design, population, "
                         "intervention, size, risk of bias) and linked to the claims with a "
                         "quotation from each.")
    appraisal += [x for x in (_tools_sentence(ctx),) if x]
    paragraphs = [[article], literature, appraisal, [_team_sentence(ctx)], [GRADE_METHODS]]
    lines = ["## Methods {#methods}", ""]
    for paragraph in paragraphs:
        text = " ".join(x for x in paragraph if x)
        if text:
            lines += [text, ""]
    if meta.methods.strip():
        lines += [escape(meta.methods), ""]
    return lines


def dropped_block(ctx: ExportContext) -> list[str]:
    """'Sentences not treated as claims': each dropped sentence with the reviewer's reason."""
    lines = ["## Sentences not treated as claims {#not-claims}", ""]
    if not ctx.dropped:
        return [*lines, "No sentence was dropped from the claim list.", ""]
    lines += [f"{plural(len(ctx.dropped), 'sentence')} of the article "
              f"{'was' if len(ctx.dropped) == 1 else 'were'} not treated as "
              "checkable claims, for these reasons:", ""]
    for c in ctx.dropped:
        reason = c.drop_reason.strip() or (KIND_LABEL.get(c.kind or "", "") if c.status ==
                                           "not a claim" else "") or "no reason recorded"
        lines.append(f"- “{escape(c.text)}” — {escape(reason)}")
    return [*lines, ""]


def draft_banner(ctx: ExportContext, shown: int = 8) -> list[str]:
    """A banner saying this is a draft and what is missing (nothing for a final export)."""
    if not ctx.is_draft:
        return []
    lines = ["::: {.draft-banner}", "**Draft: not ready to publish.** This review is "
             "incomplete or fails its checks:", ""]
    lines += [f"- {escape(p)}" for p in ctx.problems[:shown]]
    if len(ctx.problems) > shown:
        lines.append(f"- and {plural(len(ctx.problems) - shown, 'more problem')}")
    return [*lines, ":::", ""]


def byline(ctx: ExportContext) -> list[str]:
    """The reviewers, the date and where to read the original article."""
    meta = ctx.review.meta
    who = reviewers(ctx)
    parts = [f"Reviewed by {escape(_join(who))}" if who else "Reviewers not recorded",
             f"dated {ctx.date[:10]}"]
    url = safe_url(meta.url) if meta.url else None
    original = (f"[Read the original article]({url})" if url else
                "The original article's web address was not recorded")
    lines = ["::: {.byline}", " · ".join(parts) + ".", "",
             f"{original}; [the article with its claims marked](article.html).", ":::", ""]
    return lines


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _figure(path: str, target: str) -> str:
    """The figure file for ``target``: SVG for HTML (inlined there), PNG for Markdown/DOCX."""
    return path[:-4] + ".svg" if target == "html" and path.endswith(".png") else path


def render(ctx: ExportContext, *, figures: dict[str, Path] | None = None,
           target: str = "md") -> str:
    """The whole summary as Pandoc Markdown (deterministic for the same review data).

    ``target`` 'html' refers to the SVG figures (the HTML writer inlines them), anything
    else to the PNGs.
    """
    meta = ctx.review.meta
    figures = figures if figures is not None else {}
    total = len(ctx.claims)
    assessed = sum(1 for c in ctx.claims if c.verdict)
    over = sum(1 for c in ctx.claims if c.verdict and c.verdict.overstated)
    title = ("Draft evidence review: " if ctx.is_draft else "Evidence review: ") + meta.title
    lines = ["---", f"title: {_yaml_str(escape(title))}",
             f"date: {_yaml_str(ctx.date[:10])}", "lang: en", "bibliography: references.json",
             "link-citations: true", "---", "", *draft_banner(ctx), *byline(ctx),
             "## Summary {#summary}", ""]
    source = safe_url(meta.url) if meta.url else None
    named = f"[*{escape(meta.title)}*]({source})" if source else f"*{escape(meta.title)}*"
    appeals = appeal_count(ctx.claims)  # a split sentence's appeal counts once
    appeal = (f" {appeals} of them {'appeals' if appeals == 1 else 'appeal'} to evidence "
              "(\"studies show\") without citing any." if appeals else "")
    lines += [f"The article {named} makes {plural(total, 'checkable health claim')}.{appeal} "
              f"{assessed} {'has' if assessed == 1 else 'have'} been assessed against the "
              f"published studies; {over} {'states' if over == 1 else 'state'} more "
              "certainty than the evidence allows. Each claim is quoted below with what the "
              "evidence shows, how certain that evidence is (GRADE), and a verdict.", ""]
    lines += [*headline(ctx), "", ": Claims, verdicts and certainty of the evidence per "
              "section of the article.", ""]
    if "evidence-map" in figures:
        lines += ["![Evidence map: each dot is a claim, placed by its section and the certainty "
                  "of its evidence, coloured by verdict and labelled with its claim number "
                  "(the number in each claim's id below).]"
                  f"({_figure('figures/evidence-map.png', target)})"
                  "{#fig-evidence-map width=100%}", ""]
    lines += overstated_block(ctx)
    forests = {k: _figure(v, target) for k, v in write_forests(ctx).items()}
    lights = {k: " ".join(_figure(p, target) for p in v.split())
              for k, v in write_traffic_lights(ctx).items()}
    lines += sof_markdown(ctx.sof_rows, escape, forests, lights)
    for group in ctx.sections:
        lines += [f"## {escape(group.heading)} {{#section-{safe_name(group.slug)}}}", ""]
        if group.slug in figures:
            png = f"figures/certainty-{safe_name(group.slug)}.png"
            lines += [f"![Certainty of the evidence for the claims in this section, coloured by "
                      f"verdict.]({_figure(png, target)}){{width=100%}}", ""]
        for claim in group.claims:
            lines += claim_block(ctx, claim)
    lines += methods_block(ctx)
    prisma = write_prisma(ctx)
    if prisma:
        lines += [f"![PRISMA 2020 flow diagram: records identified, screened, excluded with "
                  f"reasons, and included, each record counted once.]"
                  f"({_figure(prisma, target)}){{width=100%}}", ""]
    lines += dropped_block(ctx)
    lines += ["## References {#references .unnumbered}", "", "::: {#refs}", ":::", ""]
    return "\n".join(lines)


def write(ctx: ExportContext) -> list[Path]:
    """summary.md, references.json (CSL JSON of the cited works) and the figures."""
    refs = csl_json(ctx)
    figures = figures_for(ctx)
    paths = [ctx.write_text("references.json", refs),
             ctx.write_text("summary.md", render(ctx, figures=figures))]
    return [paths[1], paths[0], *written_paths(figures)]


def write_figures(ctx: ExportContext) -> list[Path]:
    return written_paths(figures_for(ctx))
